/**
 * The scheduled sender in its own child process (src/sender-main.ts), started and supervised by the server. Two
 * processes are safe on one database: every send goes through the outbox's claim and lease (the crash tests run a
 * sender in a child). The child gets the server's environment (never its credentials on the command line) and its
 * own node flags; a child that dies is started again after a backoff; the server's stop stops it first.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../core/ports';

/**
 * The sender's node flags. `--optimize-for-size` makes V8 keep its heap small (smaller young generation, earlier
 * major GCs); it costs the sender some CPU, never the server's requests, since the server runs without it.
 */
export const SENDER_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];

/** What the server may ask of its sender over the IPC channel. */
export const senderRequestSchema = z.object({ type: z.literal('stop') });
export type SenderRequest = z.infer<typeof senderRequestSchema>;
/** What the sender says back: it has started its minute tick. */
const senderNoticeSchema = z.object({ type: z.literal('started') });

/**
 * How the sender's process is started: `dist/sender-main.js` under `npm start` (this module then runs as
 * dist/schedule/sender-supervisor.js), or `src/sender-main.ts` under tsx's loader when run from the sources (tests).
 */
export function senderCommand(from: 'dist' | 'src' = __filename.endsWith('.js') ? 'dist' : 'src'): {
  entry: string;
  execArgv: string[];
} {
  const root = path.join(__dirname, '..', '..');
  if (from === 'dist') return { entry: path.join(root, 'dist', 'sender-main.js'), execArgv: [...SENDER_NODE_FLAGS] };
  // tsx as a loader in the child itself (its CLI would run it in a grandchild); ESM hooks too, for the charts.
  const loader = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'));
  return { entry: path.join(root, 'src', 'sender-main.ts'), execArgv: [...SENDER_NODE_FLAGS, '--import', loader.href] };
}

/**
 * The sender's process, started as the server starts it (the bench's sender too: same entry, same flags), with an
 * IPC channel. `args` go to src/sender-main.ts; `extraFlags` only for profiling and flag experiments (bench).
 */
export function forkSender(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    from?: 'dist' | 'src';
    stdout?: 'inherit' | 'pipe';
    extraFlags?: string[];
  } = {},
): ChildProcess {
  const { entry, execArgv } = senderCommand(options.from);
  return fork(entry, args, {
    execArgv: [...execArgv, ...(options.extraFlags ?? [])],
    env: options.env ?? process.env,
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
}

export interface SenderSupervisorOptions {
  /** The environment the child loads its config from (default: this process's, .env already read into it). */
  env?: NodeJS.ProcessEnv;
  /** The platforms the server serves: the child sends through these only. */
  platforms: string[];
  /** First wait before a restart; doubled after each quick death up to `maxBackoffMs` (default 1 s and 60 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The outbox lease of the child's sends (tests shorten it; default the scheduler's). */
  leaseMs?: number;
  /** How long stop() lets the sends in flight finish before it kills the child (default 60 s). */
  stopTimeoutMs?: number;
}

export interface SenderSupervisor {
  /** The running child's pid (undefined between a death and its restart). */
  readonly pid: number | undefined;
  /** How many times a child that died was started again. */
  readonly restarts: number;
  /** Resolves when the current child has started its tick. */
  started(): Promise<void>;
  /** Asks the child to stop (sends in flight finish and are marked) and waits for its exit; no restart after. */
  stop(): Promise<void>;
}

/** A child that ran at least this long before dying starts again after the first backoff, not a longer one. */
const STEADY_MS = 60_000;

export function superviseSender(log: Logger, options: SenderSupervisorOptions): SenderSupervisor {
  const firstBackoff = options.backoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 60_000;
  let backoff = firstBackoff;
  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let restarts = 0;
  let startedWaiters: (() => void)[] = [];
  let isStarted = false;

  const start = () => {
    restartTimer = undefined;
    const startedAt = Date.now();
    isStarted = false;
    const args = [
      '--platforms',
      options.platforms.join(','),
      ...(options.leaseMs ? ['--lease-ms', String(options.leaseMs)] : []),
    ];
    const c = forkSender(args, { env: options.env });
    child = c;
    log.info('sender process started', { pid: c.pid, flags: SENDER_NODE_FLAGS });
    c.on('message', (message) => {
      if (!senderNoticeSchema.safeParse(message).success) return;
      isStarted = true;
      for (const resolve of startedWaiters) resolve();
      startedWaiters = [];
    });
    c.on('error', (error) => log.warn('sender process error', { error }));
    c.once('exit', (code, signal) => {
      if (child === c) child = undefined;
      if (stopping) return;
      if (Date.now() - startedAt >= STEADY_MS) backoff = firstBackoff;
      log.warn('sender process exited; starting it again', { code, signal, restartInMs: backoff });
      restartTimer = setTimeout(() => {
        restarts += 1;
        start();
      }, backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    });
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    started() {
      if (isStarted && child) return Promise.resolve();
      return new Promise((resolve) => startedWaiters.push(resolve));
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      const request: SenderRequest = { type: 'stop' };
      if (c.connected) c.send(request);
      else c.kill('SIGTERM');
      const timeoutMs = options.stopTimeoutMs ?? 60_000;
      const kill = setTimeout(() => {
        log.warn('sender process did not stop in time; killed (its claimed sends are taken over after their lease)', {
          pid: c.pid,
          timeoutMs,
        });
        c.kill('SIGKILL');
      }, timeoutMs);
      await exited;
      clearTimeout(kill);
      log.info('sender process stopped', { pid: c.pid });
    },
  };
}
