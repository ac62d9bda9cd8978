import { z } from 'zod';
import { defineCommand, noPositionals } from './command';

/** The removal queue for an admin: ids and state only (platform ids of messages, never content or who). */
export const removalsCommand = defineCommand({
  name: 'removals',
  usage: 'removals [--failed] [--forget-failed]',
  summary:
    "Trellis's messages and files waiting to be removed from Slack or Teams, or (--failed) that could not be; one JSON line each",
  options: { failed: { type: 'boolean' }, 'forget-failed': { type: 'boolean' } },
  schema: z.object({
    failed: z.boolean().optional(),
    'forget-failed': z.boolean().optional(),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const { store } = app.removals;
    if (args['forget-failed']) {
      io.out(`forgot ${store.forgetFailed()} failed removals`);
      return 0;
    }
    const rows = store.list(args.failed ? 'failed' : 'all');
    for (const row of rows) io.out(JSON.stringify(row));
    if (rows.length === 0) io.err(args.failed ? 'no failed removals' : 'no removals pending or failed');
    return 0;
  },
});
