import { runCli } from '../../src/cli/index';
import { createRepositories, openDatabase } from '../../src/store';
import { platformMessageStore } from '../../src/store/platform-messages';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';

const coach = { platform: 'slack' as const, tenant: 'T0TEAM', user: 'U0CLI' };

/** `delete --messages-only`, `removals [--failed]` and `run-due` draining the queue, through the real CLI. */
test('admin CLI: delete --messages-only queues, removals lists by ids, run-due removes, --failed shows what stayed', async () => {
  const dir = tempDir();
  const file = dir.file('t.db');
  const fake = await new FakeSlackApi().start();
  try {
    const db = openDatabase(file);
    const repos = createRepositories(db);
    const settings = testSettings({ promptDays: [1] });
    const id = repos.coaches.upsert(coach, settings).id;
    repos.selfChecks.add({
      coachId: id,
      checkedAt: '2026-11-24T09:00:00Z',
      localDate: '2026-11-24',
      ratings: {},
      note: 'kept',
    });
    const store = platformMessageStore(db);
    for (const ts of ['1.1', '2.1', '3.1'])
      store.record({ ...coach, kind: 'message', conversation: 'D0CLI', itemId: ts });
    db.close();
    fake.posted.set('D0CLI', [{ ts: '1.1' }, { ts: '2.1' }]); // 3.1 Slack will not delete
    fake.respond((call) =>
      call.method === 'chat.delete' && call.body.ts === '3.1'
        ? { json: { ok: false, error: 'cant_delete_message' } }
        : undefined,
    );

    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const env = { TRELLIS_DB: file, LOG_LEVEL: 'silent' as const };
    expect(await runCli(['delete', '--coach', String(id), '--messages-only'], io, env)).toBe(2);
    expect(out.at(-1)).toMatch(/messages and files from the chat of coach \d+.*journal stays.*--yes/);
    expect(await runCli(['delete', '--coach', String(id), '--messages-only', '--yes'], io, env)).toBe(0);
    expect(out.at(-1)).toContain('Trellis is removing its 3 messages and files');

    out.length = 0;
    expect(await runCli(['removals'], io, env)).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual(
      ['1.1', '2.1', '3.1'].map((itemId) =>
        expect.objectContaining({
          platform: 'slack',
          kind: 'message',
          conversation: 'D0CLI',
          itemId,
          status: 'queued',
        }),
      ),
    );
    expect(out.join('\n')).not.toContain('U0CLI'); // ids of messages only, not who they were for

    const slackEnv = {
      ...env,
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_SIGNING_SECRET: 'cli-secret',
      SLACK_API_URL: fake.url,
    };
    out.length = 0;
    expect(await runCli(['run-due'], io, slackEnv)).toBe(0);
    expect(JSON.parse(out.at(-1)!).removed.slack).toMatchObject({ removed: 2, failed: 1, reported: 1 });
    expect(fake.removed.sort()).toEqual(['D0CLI 1.1', 'D0CLI 2.1']);

    out.length = 0;
    expect(await runCli(['removals', '--failed'], io, env)).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ itemId: '3.1', status: 'failed', error: 'Slack error: cant_delete_message' }),
    ]);
    expect(await runCli(['removals', '--forget-failed'], io, env)).toBe(0);
    expect(out.at(-1)).toBe('forgot 1 failed removals');
    out.length = 0;
    await runCli(['removals', '--failed'], io, env);
    expect(out).toEqual(['no failed removals']);

    // The journal stayed.
    const after = openDatabase(file);
    expect(createRepositories(after).selfChecks.count(id)).toBe(1);
    after.close();
  } finally {
    await fake.stop();
    dir.cleanup();
  }
});
