import net, { type AddressInfo } from 'node:net';
import { collect, exited, startTrellis, waitFor } from '../helpers/child';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { runTs } from '../helpers/run';
import { tempDir } from '../helpers/temp-db';

/** src/server.ts, the one wiring behind npm start, the soak bench and the hostile-input tests. */
describe('startServer', () => {
  const dir = tempDir();
  const api = new FakeSlackApi();
  const slackEnv = () => ({ SLACK_BOT_TOKEN: 'xoxb-server-test', SLACK_SIGNING_SECRET: 'server-test-secret-0123' });
  const teamsEnv = { BOT_EMULATOR: '1' };

  beforeAll(async () => {
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
    dir.cleanup();
  });

  let n = 0;
  async function serve(env: Record<string, string>, platforms?: string) {
    const result = await runTs('test/server/loaded-sdks-child.ts', platforms ? [platforms] : [], {
      env: { TRELLIS_DB: dir.file(`s${n++}.db`), LOG_LEVEL: 'silent', ...env },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  it('a Slack-only server never loads botbuilder', async () => {
    expect(await serve({ ...slackEnv(), SLACK_API_URL: api.url })).toEqual({
      healthz: 200,
      slack: true,
      teams: false,
      messengers: 1,
      botbuilder: false,
      bolt: true,
    });
  });

  it('a Teams-only server loads botbuilder and not Bolt', async () => {
    expect(await serve(teamsEnv)).toEqual({
      healthz: 200,
      slack: false,
      teams: true,
      messengers: 1,
      botbuilder: true,
      bolt: false,
    });
  });

  it('serves only the platforms asked for, of those configured', async () => {
    const env = { ...slackEnv(), SLACK_API_URL: api.url, ...teamsEnv };
    expect(await serve(env)).toMatchObject({ slack: true, teams: true, messengers: 2, botbuilder: true });
    expect(await serve(env, 'slack')).toMatchObject({ slack: true, teams: false, messengers: 1, botbuilder: false });
  });

  it('npm start with Slack settings whose Web API does not answer: exit 1 and a message naming the setting', async () => {
    // A port we hold, where every connection is hung up at once: nothing answers, and no other test can take it.
    const hangUp = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hangUp.address() as AddressInfo).port}/api/`;
    const result = await runTs('src/main.ts', [], {
      env: { ...slackEnv(), SLACK_API_URL: url, TRELLIS_DB: dir.file('main.db'), PORT: '0', HOST: '127.0.0.1' },
    });
    await new Promise((resolve) => hangUp.close(resolve));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SLACK_BOT_TOKEN: Slack did not accept it \(auth\.test: .*fetch failed\)/);
  });

  it('npm start with Slack: serves /healthz, and on SIGTERM stops the scheduler and the server and exits 0', async () => {
    const child = startTrellis(
      { ...slackEnv(), SLACK_API_URL: api.url, TRELLIS_DB: dir.file('run.db'), PORT: '0', HOST: '127.0.0.1' },
      dir.dir,
    );
    const err = collect(child.stderr!);
    try {
      await waitFor(() => /"msg":"scheduler started"/.test(err.text()), 20_000, 'the server and its scheduler');
      const port = Number(/"msg":"listening".*"port":(\d+)/.exec(err.text())?.[1]);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
    expect(err.text()).toContain('"msg":"shutting down","signal":"SIGTERM"');
  });
});
