import { z } from 'zod';
import { listCoaches } from '../store/admin-lists';
import { defineCommand, noPositionals } from './command';

export const coachesCommand = defineCommand({
  name: 'coaches',
  usage: 'coaches [--platform slack|teams|console] [--json]',
  summary:
    'every coach: number, platform, tenant, platform user id, display name, time zone, last activity (no content)',
  options: { platform: { type: 'string' }, json: { type: 'boolean' } },
  schema: z.object({
    platform: z.enum(['slack', 'teams', 'console'], { error: 'one of slack, teams, console' }).optional(),
    json: z.boolean().optional(),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const coaches = listCoaches(app.db, args.platform);
    if (args.json) {
      io.out(JSON.stringify(coaches));
      return 0;
    }
    if (coaches.length === 0) {
      io.out(args.platform ? `no coaches on ${args.platform}` : 'no coaches yet');
      return 0;
    }
    const width = String(coaches[coaches.length - 1].number).length;
    for (const c of coaches) {
      io.out(
        `${String(c.number).padStart(width)}  ${c.platform}:${c.tenant}  ${c.user}  ${c.displayName ?? '(no name)'}  ${c.timeZone}  last activity ${c.lastActivity}`,
      );
    }
    io.out(`${coaches.length} coach${coaches.length === 1 ? '' : 'es'}`);
    return 0;
  },
});
