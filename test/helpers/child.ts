import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Trellis (src/main.ts) as a child process with its own environment only (nothing inherited but PATH and HOME). */
export function startTrellis(
  env: Record<string, string>,
  cwd: string,
): ChildProcess & { stdout: NodeJS.ReadableStream } {
  return spawn(process.execPath, [TSX, path.join(REPO, 'src', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcess & { stdout: NodeJS.ReadableStream };
}

/** Collects a stream's text as it arrives. */
export function collect(stream: NodeJS.ReadableStream): { text(): string } {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return { text: () => text };
}

/** Polls `condition` until it holds or the deadline passes (no fixed sleeps). */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/**
 * A TypeScript script as a child process with tsx as a require hook in that very process (tsx's CLI would run the
 * script in a grandchild, which a SIGKILL of the child misses). `done` resolves with the exit code (null when
 * killed); stderr is printed when the script fails.
 */
export function startScript(
  script: string,
  args: string[],
): { child: ChildProcess; done: Promise<number | null>; stdout(): string } {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collect(child.stdout as NodeJS.ReadableStream);
  const err = collect(child.stderr as NodeJS.ReadableStream);
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) process.stderr.write(err.text());
      resolve(code);
    }),
  );
  return { child, done, stdout: out.text };
}
