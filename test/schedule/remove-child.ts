/**
 * A Trellis remover in its own process, for the removal crash test: drains the removal queue of a database file
 * through a (fake) Slack Web API until nothing is left, then prints one JSON line with its figures.
 * Arguments: --db FILE --slack-url URL [--lease-ms N] [--deadline-ms N]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createRemover } from '../../src/schedule';
import { platformMessengers } from '../../src/schedule/messengers';

const args = z
  .object({
    db: z.string().min(1),
    'slack-url': z.url(),
    'lease-ms': z.coerce.number().int().min(1).default(60_000),
    'deadline-ms': z.coerce.number().int().min(1).default(60_000),
  })
  .parse(
    parseArgs({
      options: {
        db: { type: 'string' },
        'slack-url': { type: 'string' },
        'lease-ms': { type: 'string' },
        'deadline-ms': { type: 'string' },
      },
    }).values,
  );

async function main(): Promise<void> {
  const config = loadConfig({
    TRELLIS_DB: args.db,
    SLACK_BOT_TOKEN: 'xoxb-child-remover',
    SLACK_SIGNING_SECRET: 'not-used-by-the-remover',
    SLACK_API_URL: args['slack-url'],
    LOG_LEVEL: 'warn',
  });
  const app = createAppContext(config);
  const remover = createRemover(app, platformMessengers(app), { leaseMs: args['lease-ms'], concurrency: 4 });
  const runsLeft = app.db.prepare('SELECT count(*) AS n FROM platform_removals').pluck();
  const totals = { removed: 0, gone: 0, failed: 0, reported: 0, runs: 0 };
  const deadline = Date.now() + args['deadline-ms'];
  while (Date.now() < deadline) {
    totals.runs++;
    const summary = (await remover.run()).slack;
    totals.removed += summary?.removed ?? 0;
    totals.gone += summary?.gone ?? 0;
    totals.failed += summary?.failed ?? 0;
    totals.reported += summary?.reported ?? 0;
    if (app.removals.store.openCount() === 0 && runsLeft.get() === 0) break;
    // Rows a killed process left claimed are taken over once their lease has run out.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(`${JSON.stringify(totals)}\n`);
  app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
