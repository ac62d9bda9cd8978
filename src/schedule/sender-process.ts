/**
 * A Trellis sender in its own process, for the crash tests and the fan-out benchmark: runs the scheduler's
 * `runDue` against a database file and a (fake) Slack Web API and/or Teams (`--teams`: emulator mode, sending to
 * each stored conversation reference's service URL, a fake Bot Connector) until the outbox is empty, then prints
 * one JSON line with its figures.
 * Arguments: --db FILE [--slack-url URL] [--teams] [--lease-ms N] [--concurrency N] [--deadline-ms N]
 *   [--initial-rate N] [--slack-timeout-ms N] [--catch-up-ms N] [--backoff-base-ms N] [--backoff-max-ms N]
 *   [--settle-ms N] [--lookup-rate N (a second)]
 * The fault tests shorten the timeouts, windows and backoff with these, never the code paths.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAppContext } from '../app';
import { loadConfig } from '../config';
import { startBackgroundCheckpoints } from '../store/checkpointer';
import { deliveryStore } from '../store/deliveries';
import { createScheduler } from '.';
import { platformMessengers } from './messengers';

const argsSchema = z.object({
  db: z.string().min(1),
  'slack-url': z.url().optional(),
  teams: z.boolean().default(false),
  'lease-ms': z.coerce.number().int().min(1).default(60_000),
  concurrency: z.coerce.number().int().min(1).max(256).default(16),
  'deadline-ms': z.coerce.number().int().min(1).default(120_000),
  'initial-rate': z.coerce.number().positive().optional(),
  'slack-timeout-ms': z.coerce.number().int().min(1).optional(),
  'catch-up-ms': z.coerce.number().int().min(1).optional(),
  'backoff-base-ms': z.coerce.number().int().min(1).optional(),
  'backoff-max-ms': z.coerce.number().int().min(1).optional(),
  'settle-ms': z.coerce.number().int().min(0).optional(),
  'lookup-rate': z.coerce.number().positive().optional(),
});

const parseSenderArgs = (argv: string[]) =>
  argsSchema.parse(
    parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        'slack-url': { type: 'string' },
        teams: { type: 'boolean' },
        'lease-ms': { type: 'string' },
        concurrency: { type: 'string' },
        'deadline-ms': { type: 'string' },
        'initial-rate': { type: 'string' },
        'slack-timeout-ms': { type: 'string' },
        'catch-up-ms': { type: 'string' },
        'backoff-base-ms': { type: 'string' },
        'backoff-max-ms': { type: 'string' },
        'settle-ms': { type: 'string' },
        'lookup-rate': { type: 'string' },
      },
    }).values,
  );

/** Sends until the outbox is empty (or the deadline), then writes one JSON line of figures to stdout. */
export async function runSenderProcess(argv: string[]): Promise<void> {
  const args = parseSenderArgs(argv);
  const slackUrl = args['slack-url'];
  const config = loadConfig({
    TRELLIS_DB: args.db,
    LOG_LEVEL: 'warn',
    ...(slackUrl
      ? {
          SLACK_BOT_TOKEN: 'xoxb-child-sender',
          SLACK_SIGNING_SECRET: 'not-used-by-the-sender',
          SLACK_API_URL: slackUrl,
        }
      : {}),
    ...(args.teams ? { BOT_EMULATOR: '1' } : {}),
  });
  const app = createAppContext(config);
  const lookupRate = args['lookup-rate'];
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const scheduler = createScheduler(app, platformMessengers(app, { slackTimeoutMs: args['slack-timeout-ms'] }), {
    leaseMs: args['lease-ms'],
    sender: {
      concurrency: args.concurrency,
      maxRunMs: args['deadline-ms'],
      limiter: { initialRate: args['initial-rate'] },
      ...(lookupRate ? { lookupLimiter: { initialRate: lookupRate, maxRate: lookupRate } } : {}),
      ...defined({
        catchUpMs: args['catch-up-ms'],
        backoffBaseMs: args['backoff-base-ms'],
        backoffMaxMs: args['backoff-max-ms'],
        settleMs: args['settle-ms'],
      }),
    },
  });
  // As in the server (src/server.ts): WAL checkpoints in a worker thread, not inside some send's commit, where each
  // one held the event loop for tens of milliseconds (a late send that can draw a 429 at the pace's 2% margin).
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
  const outbox = deliveryStore(app.db);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = Date.now() + args['deadline-ms'];
  const totals = {
    sent: 0,
    alreadyDelivered: 0,
    inDoubt: 0,
    retried: 0,
    expired: 0,
    failed: 0,
    released: 0,
    enqueued: 0,
  };
  // Where the resident memory is at its peak (sampled each second): V8's heap, or outside it (SQLite, buffers).
  const peak = { rssMb: 0, heapTotalMb: 0, heapUsedMb: 0, externalMb: 0 };
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    if (mb(m.rss) > peak.rssMb) {
      Object.assign(peak, {
        rssMb: mb(m.rss),
        heapTotalMb: mb(m.heapTotal),
        heapUsedMb: mb(m.heapUsed),
        externalMb: mb(m.external),
      });
    }
  }, 1000);
  sample.unref();
  let runs = 0;
  do {
    runs++;
    const summary = await scheduler.runDue();
    totals.enqueued += summary.enqueued;
    totals.released += summary.released;
    for (const platform of Object.values(summary.sent)) {
      totals.sent += platform.sent;
      totals.alreadyDelivered += platform.alreadyDelivered;
      totals.inDoubt += platform.inDoubt;
      totals.retried += platform.retried;
      totals.expired += platform.expired;
      totals.failed += platform.failed;
    }
    // Rows another (dead) process left mid-send are released once their lease is over: look again shortly.
    if (outbox.openCount() > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(500, args['lease-ms'])));
  } while (outbox.openCount() > 0 && Date.now() < deadline);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sample);
  const figures = {
    ms,
    cpuMs,
    runs,
    ...totals,
    open: outbox.openCount(),
    maxRssKb: process.resourceUsage().maxRSS,
    peak,
    /** WAL checkpoints the background worker ran meanwhile. */
    checkpoints: checkpoints.runs,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  await checkpoints.stop();
  app.close();
}

/** Run as a script (node dist/schedule/sender-process.js ..., or through test/schedule/send-due-child.ts). */
export function senderProcessMain(argv: string[]): void {
  runSenderProcess(argv).catch((error: unknown) => {
    process.stderr.write(`sender process failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}

if (require.main === module) senderProcessMain(process.argv.slice(2));
