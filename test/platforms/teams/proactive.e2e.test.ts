import { DeliveryError } from '../../../src/core/errors';
import { message } from '../../../src/core/message';
import { conversationReferenceRepository } from '../../../src/store';
import { activityText, cardOf, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { runTs } from '../../helpers/run';
import { tempDbFile } from '../../helpers/temp-db';
import { channelMention, personalInstall, personalMessage, startTeams, TENANT } from './harness';

/**
 * Proactive prompts reach the coach after a restart: the conversation reference comes from SQLite,
 * not from memory. The first "process" sees the install; a second one, on the same file, sends.
 */
describe('Teams proactive sends', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };

  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
  });

  afterEach(async () => {
    await connector.stop();
    db.cleanup();
  });

  test('a prompt sent after a restart reaches the coach, and the reply answers it', async () => {
    const first = await startTeams({ dbFile: db.file });
    const install = personalInstall(connector.url, 'ira');
    await first.post(install);
    await first.stop();
    connector.clear();

    // A new adapter, bot and database connection: nothing carried over in memory.
    const second = await startTeams({ dbFile: db.file });
    try {
      const coach = second.app.trellis.coach({ platform: 'teams', tenant: TENANT, user: 'aad-ira' });
      const { issue, reply } = second.app.trellis.issuePrompt(coach, second.app.trellis.today(coach));
      const result = await second.teams.messenger.sendDirect(coach, reply, `prompt:${coach.id}:${issue.localDate}`);

      const [sent] = connector.activities();
      // botbuilder's proactive send posts into the conversation with a fresh continuation id, never the install's.
      expect(['send', 'reply']).toContain(sent.kind);
      expect(sent.activityId).not.toBe(install.id);
      expect(sent.conversationId).toBe('a:personal-ira');
      expect(result.messageId).toBeDefined();
      const card = cardOf(sent.body)!;
      expect(activityText(sent.body)).toContain("Today's reflection");
      const actions = (card.actions as { data: Record<string, string> }[]).map((a) => a.data);
      expect(actions).toEqual([
        { trellisAction: 'reflect', value: String(issue.id) },
        { trellisAction: 'skip', value: String(issue.id) },
        { trellisAction: 'snooze', value: String(issue.id) },
      ]);

      // The coach answers with a plain message: saved as the reflection to that prompt.
      connector.clear();
      await second.post(personalMessage(connector.url, 'ira', 'I asked before going into the grief; she said yes.'));
      expect(activityText(connector.activities()[0].body)).toContain('Saved to your journal');
      expect(second.app.repos.promptIssues.byId(issue.id)?.status).toBe('answered');
    } finally {
      await second.stop();
    }
  });

  test('a coach Trellis never talked to, or who blocked it, is unreachable', async () => {
    const teams = await startTeams({ dbFile: db.file });
    try {
      const stranger = teams.app.trellis.coach({ platform: 'teams', tenant: TENANT, user: 'aad-nobody' });
      await expect(teams.teams.messenger.sendDirect(stranger, { lines: ['hi'] }, 'k1')).rejects.toMatchObject({
        kind: 'unreachable',
      });

      await teams.post(personalMessage(connector.url, 'jo', 'help'));
      const coach = teams.app.trellis.coach({ platform: 'teams', tenant: TENANT, user: 'aad-jo' });
      connector.failNext(403);
      const blocked = teams.teams.messenger.sendDirect(coach, { lines: ['hi'] }, 'k2');
      await expect(blocked).rejects.toBeInstanceOf(DeliveryError);
      await expect(blocked).rejects.toMatchObject({ kind: 'unreachable' });
      // Nothing was said into the conversation about the failure: only the answer to "help" and the welcome.
      expect(connector.activities()).toHaveLength(2);

      // A conversation that no longer exists (the coach uninstalled Trellis) is unreachable too.
      connector.failNext(404);
      await expect(teams.teams.messenger.sendDirect(coach, { lines: ['hi'] }, 'k3')).rejects.toMatchObject({
        kind: 'unreachable',
      });
    } finally {
      await teams.stop();
    }
  });

  test('a channel registered with "digest here" gets posts at its top level, also after a restart', async () => {
    const channelId = '19:peer-group@thread.tacv2';
    const first = await startTeams({ dbFile: db.file });
    await first.post(channelMention(connector.url, 'kim', channelId, 'digest here'));
    await first.stop();
    connector.clear();

    const second = await startTeams({ dbFile: db.file });
    try {
      await second.teams.messenger.sendToChannel(
        { tenant: TENANT, channelId },
        { title: 'Group digest', lines: ['3 of 5 checked in.'] },
        'digest:1',
      );
      // A new thread in the channel itself (not a reply in the thread the command was typed in).
      const created = connector.calls.filter((c) => c.kind === 'create');
      expect(created).toHaveLength(1);
      expect(created[0].body).toMatchObject({ isGroup: true, channelData: { channel: { id: channelId } } });
      expect(activityText(created[0].body.activity as Record<string, unknown>)).toContain('3 of 5 checked in.');
      expect(connector.activities()).toHaveLength(0);
      await expect(
        second.teams.messenger.sendToChannel(
          { tenant: TENANT, channelId: '19:unknown@thread.tacv2' },
          { lines: ['x'] },
          'digest:2',
        ),
      ).rejects.toMatchObject({ kind: 'unreachable' });
    } finally {
      await second.stop();
    }
  });

  /**
   * An admin deletes a coach with the CLI (another process, another connection to the file) while the server runs.
   * The coach's conversation reference goes with them; when they talk to the bot again it must be stored again, or
   * Trellis could never write to them first (prompts, summaries) until a restart.
   */
  test('after the CLI deletes a coach from another process, their next message stores the reference again', async () => {
    const server = await startTeams({ dbFile: db.file });
    try {
      const references = conversationReferenceRepository(server.app.db);
      const key = { platform: 'teams' as const, tenant: TENANT, scope: 'personal' as const, key: 'aad-ida' };
      expect((await server.post(personalMessage(connector.url, 'ida', '/selfcheck 4 3 5 4 4 2'))).status).toBe(200);
      expect(references.find(key)).toBeDefined();
      // The same conversation again: nothing about the reference changed.
      await server.post(personalMessage(connector.url, 'ida', 'history'));
      expect(references.find(key)).toBeDefined();

      const deleted = await runTs('src/cli.ts', ['delete', '--coach', `teams:${TENANT}:aad-ida`, '--yes'], {
        env: { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' },
      });
      expect(deleted).toMatchObject({ code: 0, stderr: '' });
      expect(deleted.stdout).toMatch(/Deleted: 1 self-check/);
      expect(references.find(key)).toBeUndefined();

      connector.clear();
      expect((await server.post(personalMessage(connector.url, 'ida', 'history'))).status).toBe(200);
      expect(references.find(key)?.reference).toMatchObject({ conversation: { id: 'a:personal-ida' } });

      connector.clear();
      const coach = server.app.trellis.coach({ platform: 'teams', tenant: TENANT, user: 'aad-ida' });
      await server.teams.messenger.sendDirect(coach, message('A proactive hello.'), `test:${coach.id}`);
      const [sent] = connector.activities();
      expect(sent.conversationId).toBe('a:personal-ida');
      expect(activityText(sent.body)).toContain('A proactive hello.');
    } finally {
      await server.stop();
    }
  });
});
