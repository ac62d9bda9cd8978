import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAppContext } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { coachRecipient } from '../../src/schedule/delivery';
import { startServer } from '../../src/server';
import { openDatabase } from '../../src/store';
import { deliveryKey, deliveryStore } from '../../src/store/deliveries';
import { collect, exited, REPO, waitFor } from '../helpers/child';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { runTs } from '../helpers/run';
import { tempDir } from '../helpers/temp-db';
import { seed, until } from './crash-helpers';

const SECRET = 'supervisor-test-signing-secret';
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

/** Whether a process is still running (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Every message the fake Slack holds, by delivery key: each must be there once. */
function postsByKey(fake: FakeSlackApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of [...fake.posted.values()].flat()) {
    const key = (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function openRows(file: string): number {
  const db = openDatabase(file);
  try {
    return deliveryStore(db).openCount();
  } finally {
    db.close();
  }
}

describe('the sender in its own process (TRELLIS_SENDER=process)', () => {
  const dir = tempDir();
  let fake: FakeSlackApi;
  let n = 0;
  // Coach ids start at 1 in every test's database: a fake Slack per test, whose posts are counted alone.
  beforeEach(async () => {
    fake = await new FakeSlackApi().start();
  });
  afterEach(() => fake.stop());
  afterAll(() => dir.cleanup());

  const env = (file: string) => ({
    TRELLIS_DB: file,
    TRELLIS_TZ: 'UTC',
    SLACK_BOT_TOKEN: 'xoxb-supervised',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
    LOG_LEVEL: 'info',
  });

  /** startServer as src/main.ts calls it (the scheduler on, the sender's mode left to the config). */
  async function serve(file: string, senderProcess: { leaseMs?: number; backoffMs?: number } = {}) {
    const lines: string[] = [];
    const app = createAppContext(loadConfig(env(file)), { log: createLogger('info', {}, (l) => lines.push(l)) });
    const server = await startServer(app, {
      port: 0,
      host: '127.0.0.1',
      platforms: ['slack'],
      senderProcess: { env: env(file), ...senderProcess },
    });
    return {
      server,
      lines,
      async stop() {
        await server.stop();
        app.close();
      },
    };
  }

  it('the server starts the sender process, a due prompt goes out through it once, and stop() ends the child', async () => {
    const file = dir.file(`s${n++}.db`);
    const seeded = seed(file, { platform: 'slack', coaches: 3, channels: 0 });
    const { server, lines, stop } = await serve(file);
    const sender = server.sender;
    expect(sender).toBeDefined();
    const pid = sender?.pid ?? 0;
    expect(pid).not.toBe(process.pid);
    try {
      await until(() => seeded.coaches.every((c) => fake.postsWithKey(promptKey(c.id)).length > 0), 20_000);
      await until(() => openRows(file) === 0, 20_000);
    } finally {
      await stop();
    }
    expect(alive(pid)).toBe(false);
    const keys = postsByKey(fake);
    for (const c of seeded.coaches) expect(keys.get(promptKey(c.id))).toBe(1);
    expect([...keys.values()].every((count) => count === 1)).toBe(true);
    expect(lines.join('\n')).toContain('"msg":"sender process stopped"');
  }, 60_000);

  it('kill -9 of the sender: the server starts it again, and every coach still gets exactly one prompt', async () => {
    const file = dir.file(`s${n++}.db`);
    const coaches = 150;
    const seeded = seed(file, { platform: 'slack', coaches, channels: 0 });
    // Slow posts: several are in flight when the kill lands.
    fake.respond(async (call) => {
      if (call.method === 'chat.postMessage') await new Promise((resolve) => setTimeout(resolve, 40));
      return undefined;
    });
    const prompts = () => seeded.coaches.filter((c) => fake.postsWithKey(promptKey(c.id)).length).length;
    const { server, lines, stop } = await serve(file, { leaseMs: 1000, backoffMs: 100 });
    const sender = server.sender;
    if (!sender) throw new Error('no sender process');
    try {
      await until(() => prompts() >= coaches / 3, 60_000);
      const first = sender.pid ?? 0;
      process.kill(first, 'SIGKILL');
      expect(prompts()).toBeLessThan(coaches);
      await until(() => sender.restarts === 1 && sender.pid !== undefined, 20_000);
      expect(sender.pid).not.toBe(first);
      await until(() => prompts() === coaches && openRows(file) === 0, 90_000);
    } finally {
      await stop();
    }
    const keys = postsByKey(fake);
    for (const c of seeded.coaches) expect(keys.get(promptKey(c.id))).toBe(1);
    expect([...keys.values()].filter((count) => count !== 1)).toEqual([]);
    expect(lines.join('\n')).toMatch(/"msg":"sender process exited; starting it again".*"signal":"SIGKILL"/);
  }, 120_000);

  it('npm start: SIGTERM stops the sender then the server; a server killed with SIGKILL leaves no sender behind', async () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const file = dir.file(`s${n++}.db`);
      // src/main.ts in this very process (tsx as a loader), so the signal reaches the server itself.
      const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(REPO, 'src', 'main.ts')], {
        cwd: dir.dir,
        env: { PATH: process.env.PATH ?? '', HOME: dir.dir, ...env(file), PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const err = collect(child.stderr);
      await waitFor(
        () => /"msg":"scheduler started".*"process":"sender"/.test(err.text()),
        30_000,
        'the sender process',
      );
      const pid = Number(/"msg":"sender process started".*"pid":(\d+)/.exec(err.text())?.[1]);
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(child.pid);
      child.kill(signal);
      const code = await exited(child);
      if (signal === 'SIGTERM') {
        expect(code).toBe(0);
        expect(alive(pid)).toBe(false); // stopped before the server exited
        expect(err.text()).toMatch(/"msg":"sender stopping"[\s\S]*"msg":"sender process stopped"/);
      } else {
        await until(() => !alive(pid), 10_000); // the IPC channel closed: the orphan stops itself
      }
    }
  }, 90_000);

  it('TRELLIS_SENDER other than process or inline: start-up stops and says what to set', async () => {
    expect(() => loadConfig({ TRELLIS_SENDER: 'thread' })).toThrow(ConfigError);
    expect(loadConfig({ TRELLIS_SENDER: 'inline' }).sender).toBe('inline');
    const result = await runTs('src/main.ts', [], { env: { ...env(dir.file('bad.db')), TRELLIS_SENDER: 'thread' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TRELLIS_SENDER: must be "process" .* or "inline"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

/** A coach's daily prompt of the seeded day (due five minutes ago, UTC). */
function promptKey(coachId: number): string {
  const localDate = new Date(Date.now() - 5 * 60_000).toISOString().slice(0, 10);
  return deliveryKey({ recipient: coachRecipient(coachId), kind: 'prompt', localDate });
}
