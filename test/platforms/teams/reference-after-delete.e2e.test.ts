import { message } from '../../../src/core/message';
import { conversationReferenceRepository } from '../../../src/store';
import { activityText, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { runTs } from '../../helpers/run';
import { tempDbFile } from '../../helpers/temp-db';
import { personalMessage, startTeams, TENANT } from './harness';

/**
 * An admin deletes a coach with the CLI (another process, another connection to the file) while the server runs.
 * The coach's conversation reference goes with them; when they talk to the bot again it must be stored again, or
 * Trellis could never write to them first (prompts, summaries) until a restart.
 */
describe('Teams conversation reference after a delete from another process', () => {
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

  test('the coach’s next message stores it again, and a proactive send reaches them', async () => {
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
