/**
 * The scheduled sender's own process, started by the server (src/schedule/sender-supervisor.ts), never by hand:
 * the minute tick of src/schedule (prompts, summaries, digests, notices, the removal queue's drain, daily
 * retention) through the platforms the server serves, under the server's environment (its validated config).
 * It stops, letting the sends in flight finish and be marked, when the server asks, when the IPC channel to the
 * server closes (the server died: no orphan keeps sending), when its parent changes, or on SIGTERM.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAppContext } from './app';
import { loadConfig } from './config';
import { createLogger } from './log';
import { startScheduler } from './schedule';
import { platformMessengers } from './schedule/messengers';
import { senderProcessMain } from './schedule/sender-process';
import { senderRequestSchema } from './schedule/sender-supervisor';
import { startBackgroundCheckpoints } from './store/checkpointer';

const argsSchema = z.object({
  platforms: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(['slack', 'teams']))),
  'lease-ms': z.coerce.number().int().min(1).optional(),
});

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write('src/sender-main.ts is started by the Trellis server (npm start), not on its own.\n');
    process.exit(1);
  }
  let stopRequested = false;
  let stopNow: (() => void) | undefined;
  const requestStop = () => {
    stopRequested = true;
    stopNow?.();
  };
  process.on('message', (message) => {
    if (senderRequestSchema.safeParse(message).success) requestStop();
  });
  process.on('disconnect', requestStop);
  process.on('SIGTERM', requestStop);
  // Ctrl-C reaches the whole process group: the server, stopping, asks its sender in turn.
  process.on('SIGINT', () => undefined);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) requestStop();
  }, 1000).unref();

  const { platforms, 'lease-ms': leaseMs } = argsSchema.parse(
    parseArgs({
      args: process.argv.slice(2),
      options: { platforms: { type: 'string' }, 'lease-ms': { type: 'string' } },
    }).values,
  );
  const config = loadConfig();
  const log = createLogger(config.logLevel ?? 'info', { process: 'sender' });
  const app = createAppContext(
    {
      ...config,
      slack: platforms.includes('slack') ? config.slack : undefined,
      teams: platforms.includes('teams') ? config.teams : undefined,
    },
    { log },
  );
  const stopped = new Promise<void>((resolve) => {
    stopNow = resolve;
    if (stopRequested) resolve();
  });
  if (app.readOnly) {
    // Nothing could be recorded as sent, so nothing is sent (as the server does at a read-only start).
    log.warn('sender: the database is read-only; nothing is sent on a schedule');
    await stopped;
    app.close();
    return;
  }
  // WAL checkpoints in a worker thread, not inside some send's commit (src/store/checkpointer.ts).
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
  const schedule = startScheduler(app, platformMessengers(app), { runAtStart: true, leaseMs });
  process.send({ type: 'started' });
  await stopped;
  log.info('sender stopping');
  await schedule.stop(); // no new sends; the ones in flight finish and are marked
  await checkpoints.stop();
  app.close();
}

// `--until-empty ARGS`: the same process run once over the outbox (src/schedule/sender-process.ts), for the
// fan-out benchmark, which so measures the sender as the server starts it (src/schedule/sender-supervisor.ts).
if (process.argv[2] === '--until-empty') {
  process.channel?.unref(); // the IPC channel does not keep the process alive once the run is done
  senderProcessMain(process.argv.slice(3));
} else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      // Its message, never its stack or anything a coach wrote; the server starts the sender again after a backoff.
      process.stderr.write(`Trellis sender stopped: ${(error as Error).message ?? String(error)}\n`);
      process.exit(1);
    },
  );
