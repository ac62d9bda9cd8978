import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHILD = path.join(__dirname, 'send-due-child.ts');
/** tsx's loader (CommonJS and ES module hooks): charts are loaded with a dynamic import, which needs the latter. */
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

/** A sender in its own process (send-due-child.ts), to be killed with SIGKILL. `report()` is its JSON line. */
export function startSender(
  db: string,
  target: { slackUrl?: string; teams?: boolean },
  leaseMs: number,
): { child: ChildProcess; done: Promise<number | null>; report(): Record<string, number> } {
  const child = spawn(
    process.execPath,
    [
      // tsx as a loader in this very process (its CLI would run the script in a grandchild SIGKILL misses).
      '--import',
      TSX_LOADER,
      CHILD,
      '--db',
      db,
      ...(target.slackUrl ? ['--slack-url', target.slackUrl] : []),
      ...(target.teams ? ['--teams'] : []),
      '--lease-ms',
      String(leaseMs),
      '--concurrency',
      '8',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return { child, done, report: () => JSON.parse(stdout) as Record<string, number> };
}

/** Polls (no fixed sleep) until `condition` holds. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
