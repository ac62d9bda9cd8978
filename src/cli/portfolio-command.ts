import { z } from 'zod';
import { periodOf } from '../core/portfolio-model';
import { localDate } from '../core/time';
import { writeExportFiles } from '../platforms/console/export-files';
import { coachArgs, findCoach } from './coach-selector';
import { defineCommand, noPositionals } from './command';

const bound = z
  .string()
  .regex(/^\d{4}-\d{2}(-\d{2})?$/, 'give a date as YYYY-MM-DD or a month as YYYY-MM')
  .optional();

/**
 * `portfolio --coach X --out DIR [--from D] [--to D]`: a coach's portfolio (the PDF, the coaching log and the
 * mentor-coaching log as CSV) into a new folder in DIR, as the coach would get it; audited as the admin's export.
 */
export const portfolioCommand = defineCommand({
  name: 'portfolio',
  usage: 'portfolio --coach <id|platform:tenant:user|user> [--platform P] --out DIR [--from YYYY-MM[-DD]] [--to …]',
  summary: "write one coach's portfolio: the PDF, and the coaching and mentor-coaching logs as CSV",
  options: { ...coachArgs.options, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  schema: z.object({
    ...coachArgs.schema,
    out: z.string({ error: 'say where the files go: --out DIR' }).min(1),
    from: bound,
    to: bound,
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const found = findCoach(app, args.coach, args.platform);
    if ('problem' in found) {
      io.err(`${found.problem}; no portfolio was written. "npm run cli -- coaches" lists them.`);
      return 1;
    }
    const { coach } = found;
    const period = periodOf(args.from, args.to, localDate(app.clock.now(), coach.settings.timeZone));
    const { data, files } = app.trellis.portfolio.files(coach, period);
    const dir = writeExportFiles(args.out, `coach-${coach.id}-portfolio`, app.clock.now(), files);
    app.trellis.portfolio.audit(coach, data, 'admin', 'all');
    io.out(`wrote the portfolio of coach ${coach.id} (${data.sessions.length} sessions) to ${dir}:`);
    for (const f of files) io.out(`  ${f.filename}`);
    return 0;
  },
});
