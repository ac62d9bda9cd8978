import { FixedClock } from '../../helpers/clock';
import { activityText, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import { personalInstall, personalMessage, startTeams, type TeamsHarness } from './harness';

/**
 * Issue #14: the welcome comes exactly once per coach, whichever reaches Trellis first: the install
 * (conversationUpdate membersAdded) or the coach's first message. Over HTTP, through the real CloudAdapter.
 */
describe('Teams: one welcome, whether the install or the first message comes first', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;
  const clock = new FixedClock('2026-11-04T09:00:00Z');

  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    clock.set('2026-11-04T09:00:00Z');
    teams = await startTeams({ dbFile: db.file, clock });
  });

  afterEach(async () => {
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  const texts = () => connector.activities().map((a) => activityText(a.body));
  const welcomes = () => texts().filter((t) => /welcome/i.test(t));

  test('a first message, then the install arriving late: one welcome, and the install sends nothing more', async () => {
    await teams.post(personalMessage(connector.url, 'lea', 'help'));
    expect(texts()[0]).toContain('Trellis commands');
    expect(welcomes()).toHaveLength(1);
    const before = texts().length;
    expect((await teams.post(personalInstall(connector.url, 'lea'))).status).toBe(200);
    expect(texts()).toHaveLength(before);
    await teams.post(personalMessage(connector.url, 'lea', 'history'));
    expect(welcomes()).toHaveLength(1);
    expect(texts().filter((t) => t.includes('Welcome to Trellis'))).toHaveLength(1);
  });

  test('the install first, then the first message: the welcome once, with the install', async () => {
    await teams.post(personalInstall(connector.url, 'max'));
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain('Welcome to Trellis');
    await teams.post(personalMessage(connector.url, 'max', 'help'));
    expect(texts()[1]).toContain('Trellis commands');
    expect(texts()).toHaveLength(2);
    // A second install event for the same chat (Teams may repeat it) is no second welcome.
    await teams.post(personalInstall(connector.url, 'max'));
    expect(welcomes()).toHaveLength(1);
  });

  test('a reinstall weeks later: a short greeting that is not a welcome, saying what stayed', async () => {
    await teams.post(personalMessage(connector.url, 'noa', 'selfcheck 4 3 5 4 4 2'));
    expect(welcomes()).toHaveLength(1);
    clock.set('2026-11-25T09:00:00Z');
    await teams.post(personalInstall(connector.url, 'noa'));
    const greeting = texts().at(-1) ?? '';
    expect(greeting).toContain('Trellis is here again');
    expect(greeting).toContain('as you left them');
    expect(greeting).not.toMatch(/welcome/i);
    expect(welcomes()).toHaveLength(1);
  });
});
