import { STORAGE_UNAVAILABLE_MESSAGE } from '../../../src/store/errors';
import { activityText, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import { personalInstall, personalMessage, startTeams, TENANT, type TeamsHarness } from './harness';

const NOTE = 'REFUSED-NOTE-77aa';

/** A read-only database (PRAGMA query_only): Teams tells the coach and logs the refusal with ids, never the text. */
describe('Teams: refused writes are logged (ids, error kind, never the text)', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;
  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    teams = await startTeams({ dbFile: db.file });
    await teams.post(personalInstall(connector.url, 'rae'));
    await teams.post(personalMessage(connector.url, 'rae', 'selfcheck 4 4 4 4 4 4'));
    teams.app.db.pragma('query_only = ON');
  });
  afterAll(async () => {
    teams.app.db.pragma('query_only = OFF');
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  test.each([
    [
      'the self-check card',
      () => ({
        value: {
          trellisAction: 'selfcheck_submit',
          ...Object.fromEntries(
            ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness'].map((k) => [k, '3']),
          ),
          note: NOTE,
        },
      }),
      'teams write refused',
    ],
    // Typed text goes through the group commit, whose BEGIN is refused: logged by the bot, as the card's refusal is.
    ['typed text', () => ({ text: `selfcheck 2 2 2 2 2 2 ${NOTE}` }), 'teams write refused'],
  ])('%s: the reply says nothing was stored; the log has ids and the kind', async (_what, extra, logLine) => {
    const before = teams.logLines.length;
    connector.clear();
    const activity: Record<string, unknown> = { ...personalMessage(connector.url, 'rae', undefined), ...extra() };
    const res = await teams.post(activity);
    expect(res.status).toBe(200);
    expect(
      connector
        .activities()
        .map((a) => activityText(a.body))
        .join('\n'),
    ).toContain(STORAGE_UNAVAILABLE_MESSAGE);
    expect(teams.app.repos.selfChecks.count()).toBe(1);
    const lines = teams.logLines.slice(before);
    expect(lines.join('\n')).not.toContain(NOTE);
    const line = lines.find((l) => l.includes(`"msg":"${logLine}"`));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({
      tenant: TENANT,
      user: 'aad-rae',
      requestKey: `teams:${String(activity.id)}`,
      kind: 'storage_unavailable',
      detail: expect.stringMatching(/^SQLITE_READONLY/),
    });
  });
});
