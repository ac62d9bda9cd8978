import { z } from 'zod';
import { isValidDate } from '../core/time';
import { createScheduler } from '../schedule';
import { platformMessengers } from '../schedule/messengers';
import { deliveryStore } from '../store/deliveries';
import { defineCommand, noPositionals } from './command';

const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO instant with a zone, such as 2026-11-24T09:00:00Z or 2026-11-24T09:00+01:00',
  )
  .refine((s) => isValidDate(s.slice(0, 10)), 'is not a real calendar date')
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()), 'is not a real date and time');

export const dueCommand = defineCommand({
  name: 'due',
  usage: 'due [--at <ISO instant>]',
  summary: 'print, one JSON line each, the prompts that would be sent at an instant (sends nothing)',
  options: { at: { type: 'string' } },
  schema: z.object({ at: isoInstant.optional(), positionals: noPositionals }),
  run(args, app, io) {
    const at = args.at ?? app.clock.now();
    // No messengers: the preview covers every platform and never sends.
    const lines = createScheduler(app, []).preview(at);
    for (const line of lines) io.out(JSON.stringify(line));
    io.err(`${lines.length} due at ${at.toISOString()} (catch-up window ${app.config.catchUpMinutes} min)`);
    return 0;
  },
});

export const runDueCommand = defineCommand({
  name: 'run-due',
  usage: 'run-due',
  summary: 'send what is due now through the configured platforms (the minute tick does this on its own)',
  options: {},
  schema: z.object({ positionals: noPositionals }),
  async run(_args, app, io) {
    const messengers = platformMessengers(app);
    if (messengers.length === 0) {
      io.err(
        'No platform to send through: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack. Nothing was sent; `due` shows what would be.',
      );
      return 1;
    }
    const summary = await createScheduler(app, messengers).runDue();
    io.out(JSON.stringify(summary));
    return 0;
  },
});

export const deliveriesCommand = defineCommand({
  name: 'deliveries',
  usage: 'deliveries [--in-doubt] [--failed] [--limit N]',
  summary:
    'outbox rows per status and how many were settled in doubt; --in-doubt lists those, --failed the failed and expired ones (ids, no content)',
  options: { 'in-doubt': { type: 'boolean' }, failed: { type: 'boolean' }, limit: { type: 'string' } },
  schema: z.object({
    'in-doubt': z.boolean().optional(),
    failed: z.boolean().optional(),
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(100),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const outbox = deliveryStore(app.db);
    const failed = outbox.failed(args.limit);
    const expired = failed.filter((d) => d.error?.startsWith('expired:')).length;
    const totals = { byStatus: outbox.countByStatus(), inDoubt: outbox.countInDoubt() };
    io.out(JSON.stringify(args.failed ? { ...totals, failedListed: failed.length, expiredListed: expired } : totals));
    if (args['in-doubt']) {
      for (const d of outbox.inDoubt(args.limit)) {
        const { id, platform, kind, recipient, localDate, status, attempts, error } = d;
        io.out(JSON.stringify({ id, platform, kind, recipient, localDate, status, attempts, error }));
      }
    }
    if (args.failed) {
      // Ids, reason and times only: the reason is a platform's error code or our own wording, never a message.
      for (const d of failed) {
        const { id, coachId: coach, platform, kind, recipient, localDate, attempts, inDoubt } = d;
        const expiredRow = d.error?.startsWith('expired:') ?? false;
        io.out(
          JSON.stringify({
            id,
            coach,
            platform,
            kind,
            recipient,
            localDate,
            status: expiredRow ? 'expired' : 'failed',
            reason: d.error,
            attempts,
            inDoubt,
            dueAt: d.dueAt,
            createdAt: d.createdAt,
            finishedAt: d.finishedAt,
          }),
        );
      }
    }
    return 0;
  },
});
