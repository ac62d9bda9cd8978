import { tempDbFile } from '../../helpers/temp-db';
import { BOT, personalInstall, personalMessage, startTeams, type TeamsHarness } from './harness';
import { useTeams } from './use-teams';

const without = (activity: Record<string, unknown>, key: string) => {
  const { [key]: _gone, ...rest } = activity;
  return rest;
};

/**
 * Activities missing fields or carrying the wrong types, through POST /api/messages and the real CloudAdapter in
 * emulator mode (BOT_EMULATOR=1, where nothing checks a token first): each is a 400 naming the field, never a 500,
 * never a turn that throws; nothing is stored and nothing is sent.
 */
describe('Teams: a malformed activity is a 400 naming the field', () => {
  const t = useTeams();

  const message = () => personalMessage(t.connector.url, 'zed', 'selfcheck 4 4 4 4 4 4 PRIVATE-NOTE-4d1f');
  const install = () => personalInstall(t.connector.url, 'zed');

  test.each<[string, () => unknown, string]>([
    ['no recipient', () => without(message(), 'recipient'), 'recipient'],
    ['an install without recipient', () => without(install(), 'recipient'), 'recipient'],
    ['a recipient without an id', () => ({ ...message(), recipient: { name: 'Trellis' } }), 'recipient.id'],
    ['no from', () => without(message(), 'from'), 'from'],
    ['from as a number', () => ({ ...message(), from: 5 }), 'from'],
    ['no conversation', () => without(message(), 'conversation'), 'conversation'],
    [
      'a conversation without an id',
      () => ({ ...message(), conversation: { conversationType: 'personal' } }),
      'conversation.id',
    ],
    [
      'a conversationType that is not a string',
      () => ({ ...message(), conversation: { id: 'a:personal-zed', conversationType: 3 } }),
      'conversation.conversationType',
    ],
    ['no serviceUrl', () => without(message(), 'serviceUrl'), 'serviceUrl'],
    ['a serviceUrl that is not a URL', () => ({ ...message(), serviceUrl: 'not a url' }), 'serviceUrl'],
    ['a serviceUrl of another scheme', () => ({ ...message(), serviceUrl: 'ftp://127.0.0.1/' }), 'serviceUrl'],
    [
      'plain http to a host that is not loopback',
      () => ({ ...message(), serviceUrl: 'http://connector.invalid/' }),
      'serviceUrl',
    ],
    [
      'a serviceUrl with credentials',
      () => ({ ...message(), serviceUrl: 'https://u:p@t.connector.invalid/' }),
      'serviceUrl',
    ],
    ['text as a number', () => ({ ...message(), text: 5 }), 'text'],
    ['membersAdded as a string', () => ({ ...install(), membersAdded: 'bot' }), 'membersAdded'],
    ['entities as a string', () => ({ ...message(), entities: 'mention' }), 'entities'],
    ['channelData as a string', () => ({ ...message(), channelData: 'tenant' }), 'channelData'],
    ['localTimezone as a number', () => ({ ...message(), localTimezone: 7 }), 'localTimezone'],
    ['an id as a number', () => ({ ...message(), id: 7 }), 'id'],
    ['no type', () => without(message(), 'type'), 'type'],
    ['an array', () => [message()], '(body)'],
  ])('%s', async (_what, activity, field) => {
    const before = t.stored();
    const sentBefore = t.connector.calls.length;
    const logsBefore = t.teams.logLines.length;
    const res = await t.teams.post(activity() as Record<string, unknown>);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: string; field: string; problem: string };
    expect(body.error).toBe('not a Bot Framework activity');
    expect(body.field).toBe(field);
    expect(body.problem).not.toMatch(/PRIVATE-NOTE|connector\.invalid|u:p/);
    expect(t.stored()).toEqual(before);
    expect(t.connector.calls.length).toBe(sentBefore);
    const lines = t.teams.logLines.slice(logsBefore);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(lines.some((l) => l.includes('teams: activity refused') && l.includes(`"field":"${field}"`))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/PRIVATE-NOTE|connector\.invalid/);
  });

  test('the same activity with every field in place is answered and stored (the checks refuse only what is wrong)', async () => {
    const install = await t.teams.post(personalInstall(t.connector.url, 'amy'));
    expect(install.status).toBe(200);
    const res = await t.teams.post(personalMessage(t.connector.url, 'amy', 'selfcheck 4 4 4 4 4 4'));
    expect(res.status).toBe(200);
    expect(t.teams.app.repos.selfChecks.count()).toBe(1);
    // The bot answers through the connector at the activity's serviceUrl, to the recipient it named.
    expect(t.connector.calls.some((c) => JSON.stringify(c.body).includes(BOT.id))).toBe(true);
  });
});

/**
 * A serviceUrl that passes the schema (https, no credentials; emulator mode takes any) but where no connector
 * answers: the reply cannot be sent. The caller gets a 502 naming the field, never a 500 or a thrown turn, fast
 * (no retries and no apology sent after it to the same nowhere); no error log, nothing of the note anywhere.
 */
describe('Teams: a well-formed serviceUrl nobody answers at', () => {
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;
  beforeAll(async () => {
    db = tempDbFile();
    teams = await startTeams({ dbFile: db.file });
  });
  afterAll(async () => {
    await teams.stop();
    db.cleanup();
  });

  test('https to a host that does not resolve: 502 naming serviceUrl, a warning with the network code only', async () => {
    const logsBefore = teams.logLines.length;
    const activity = personalMessage('https://connector.invalid/', 'una', 'selfcheck 4 4 4 4 4 4 PRIVATE-NOTE-77ab');
    const res = await teams.post(activity);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toEqual({
      error: 'the serviceUrl of the activity could not be reached',
      field: 'serviceUrl',
    });
    const lines = teams.logLines.slice(logsBefore);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(lines.some((l) => l.includes('serviceUrl could not be reached') && l.includes('"code":"ENOTFOUND"'))).toBe(
      true,
    );
    expect(lines.join('\n')).not.toContain('PRIVATE-NOTE');
    // The check-in was committed before its reply was attempted: what the coach sent is kept, not discarded.
    expect(teams.app.repos.selfChecks.count()).toBe(1);
  }, 30_000);
});
