import fs from 'node:fs';
import http from 'node:http';
import { newKey } from '../helpers/app';
import { collect, exited, startTrellis, waitFor } from '../helpers/child';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { tempDir } from '../helpers/temp-db';

/**
 * Logs never hold note or reflection text, tokens or secrets: whole sessions run as child processes with
 * LOG_LEVEL=debug, and their stderr is searched for unique markers typed by the coach and for every secret.
 */
describe('what the log never contains', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('a full terminal-chat session: notes, reflections, export, delete', async () => {
    const key = newKey();
    const markers = ['QNOTE7731', 'DIALOGNOTE4410', 'REFLECT9982', 'REPLY5521', 'UNKNOWN3318'];
    const lines = [
      'help',
      `/selfcheck 4 3 5 4 4 2 ${markers[0]} client Dana cried`,
      '/selfcheck',
      '4',
      '3',
      '-',
      '5',
      '4',
      '2',
      `${markers[1]} felt rushed with Eli`,
      'prompt',
      `${markers[2]} I waited and Dana went on`,
      `${markers[4]} something I typed by mistake`,
      '/selfcheck 4 3 5 4 4 2 "<script>alert(1)</script> שלום 🙂"',
      '/selfcheck 9 9 9 9 9 9 bad ratings',
      'history',
      'trend',
      'settings tz Asia/Kathmandu',
      '/selfcheck export',
      'delete',
      'delete confirm',
    ];
    const child = startTrellis(
      {
        TRELLIS_DB: dir.file('t.db'),
        TRELLIS_CONSOLE_USER: 'logtest',
        TRELLIS_ENCRYPTION_KEY: key,
        TRELLIS_RETENTION_DAYS: '30',
        LOG_LEVEL: 'debug',
        TRELLIS_TZ: 'UTC',
      },
      dir.dir,
    );
    const out = collect(child.stdout);
    const err = collect(child.stderr!);
    child.stdin!.end(`${lines.join('\n')}\n`);
    expect(await exited(child)).toBe(0);

    // The session really happened: the coach saw their reflection and the deletion.
    expect(out.text()).toContain(markers[2]);
    expect(out.text()).toMatch(/Deleted: 3 self-checks, 1 reflection, 1 prompt/);
    expect(out.text()).toMatch(/Saved 5 files in /);
    const exportDir = fs.readdirSync(`${dir.dir}/data/exports`);
    expect(exportDir).toHaveLength(1);

    const log = err.text();
    expect(log).toMatch(/"msg":"self-check recorded"/);
    expect(log).toMatch(/"msg":"reflection saved"/);
    expect(log).toMatch(/"msg":"coach data deleted"/);
    expect(log).toMatch(/"msg":"retention ran"/); // at start-up, with TRELLIS_RETENTION_DAYS set
    for (const marker of markers) expect(log).not.toContain(marker);
    for (const word of ['Dana', 'Eli', 'script', 'שלום', key, key.slice(0, 16)]) expect(log).not.toContain(word);
  });

  it('a server session: tokens, signing secret, key and request bodies stay out of the log', async () => {
    const api = await new FakeSlackApi().start();
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxb-LOGTEST-0000-SECRETBOTTOKEN',
      SLACK_SIGNING_SECRET: 'signing-LOGTEST-SECRET-5678',
      TRELLIS_ENCRYPTION_KEY: newKey(),
    };
    const child = startTrellis(
      {
        ...secrets,
        SLACK_API_URL: api.url,
        TRELLIS_DB: dir.file('s.db'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
      },
      dir.dir,
    );
    const err = collect(child.stderr!);
    try {
      await waitFor(() => /"msg":"listening"/.test(err.text()), 20_000, 'the server to listen');
      const port = Number(/"port":(\d+)/.exec(err.text())?.[1]);
      const request = (path: string, body: string, headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(body);
        });
      const statuses = [
        await request('/slack/events', 'command=%2Fselfcheck&text=4+4+4+4+4+4+BODYMARK6621', {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-signature': 'v0=forged',
          'x-slack-request-timestamp': '1',
          authorization: 'Bearer AUTHMARK8812',
        }),
        await request('/api/messages', '{"type":"message","text":"BODYMARK6622"}', {
          'content-type': 'application/json',
          authorization: 'Bearer AUTHMARK8813',
        }),
        await request('/healthz', 'BODYMARK6623', { 'content-type': 'text/plain' }),
      ];
      for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await api.stop();
    }
    const log = err.text();
    for (const value of Object.values(secrets)) expect(log).not.toContain(value);
    for (const marker of ['LOGTEST', 'SECRET', 'BODYMARK', 'AUTHMARK']) expect(log).not.toContain(marker);
  });
});
