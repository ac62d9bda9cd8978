import type { Message } from '../../../src/core/message';
import { FixedClock } from '../../helpers/clock';
import { activityText, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import { personalInstall, personalMessage, startTeams, TENANT, type TeamsHarness } from './harness';

/** A real 1×1 PNG: the conformance check reads every inline image's size from its header. */
const ONE_PIXEL_PNG = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'),
);

const refOf = (user: string) => ({ platform: 'teams' as const, tenant: TENANT, user: `aad-${user}` });

/**
 * Deletion that reaches Teams: every activity a turn or a proactive send creates is recorded by id, and a delete
 * removes each through the real CloudAdapter (DELETE /v3/conversations/{id}/activities/{id} at the fake connector).
 */
describe('Teams: a delete removes the activities Trellis sent', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;

  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    teams = await startTeams({ dbFile: db.file, clock: new FixedClock('2027-01-08T12:00:00Z') });
  });

  afterEach(async () => {
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  const say = (user: string, text: string) => teams.post(personalMessage(connector.url, user, text));
  const recorded = (user: string) =>
    teams.app.db
      .prepare<[string], { conversation: string; item_id: string; service_url: string }>(
        'SELECT conversation, item_id, service_url FROM platform_messages WHERE user_id = ? ORDER BY id',
      )
      .all(`aad-${user}`)
      .map((r) => ({ key: `${r.conversation} ${r.item_id}`, serviceUrl: r.service_url }));
  const rowsNaming = (value: string) =>
    (
      teams.app.db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .all() as { name: string }[]
    ).reduce((n, { name }) => {
      const columns = teams.app.db.pragma(`table_info("${name}")`) as { name: string }[];
      return (
        n +
        columns.reduce(
          (m, c) =>
            m +
            (
              teams.app.db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE "${c.name}" = ?`).get(value) as {
                n: number;
              }
            ).n,
          0,
        )
      );
    }, 0);

  async function day(user: string) {
    await teams.post(personalInstall(connector.url, user));
    await say(user, 'selfcheck 4 3 5 4 4 2 a private note');
    await say(user, 'prompt');
    await say(user, 'I let the silence sit.');
    await say(user, 'export'); // the export message and five file-consent cards
    const coach = teams.app.repos.coaches.find(refOf(user))!;
    const weekly: Message = {
      title: 'Your week',
      lines: ['Means this week.'],
      image: { png: ONE_PIXEL_PNG, filename: 'week.png', alt: 'Weekly means' },
    };
    await teams.teams.messenger.sendDirect(coach, weekly, 'weekly:test'); // proactive, with its chart inline
    return coach;
  }

  test('a day of messages, an export and a weekly summary; Delete everything removes each, then says how many', async () => {
    await day('bo');
    const before = recorded('bo');
    // The welcome on install, replies (check-in, prompt, reflection, export, 5 consent cards) and the proactive
    // summary; ids and the service URL only.
    expect(before).toHaveLength(11);
    expect(before.every((r) => r.serviceUrl === connector.url)).toBe(true);
    expect(JSON.stringify(teams.app.db.prepare('SELECT * FROM platform_messages').all())).not.toMatch(/silence|note/);
    // One of them the coach already deleted: the connector answers 404, which counts as removed.
    connector.live.delete(before[1].key);

    await say('bo', 'delete');
    const question = recorded('bo').at(-1)!;
    const press = personalMessage(connector.url, 'bo', undefined, {
      value: { trellisAction: 'confirm_delete', value: 'delete' },
      replyToId: question.key.split(' ')[1],
    });
    connector.clear();
    await teams.post(press);
    const [answer] = connector.activities();
    expect(answer.kind).toBe('update');
    const text = activityText(answer.body);
    expect(text).toContain('Trellis is removing its 11 messages and files from this chat');
    expect(text).toContain('choose More options (…), then Delete');
    expect(text).toContain('export files saved to your OneDrive');

    const summary = await teams.removals();
    expect(summary.teams).toMatchObject({ removed: 10, gone: 1, failed: 0, reported: 1 });
    // Each recorded activity was asked to go, through its own conversation; the question card (now the answer) stays.
    const deletes = connector.calls
      .filter((c) => c.kind === 'delete')
      .map((c) => `${c.conversationId} ${c.activityId}`);
    expect(deletes.sort()).toEqual(before.map((r) => r.key).sort());
    expect(connector.live.has(question.key)).toBe(true);
    const last = connector.activities((c) => c.kind === 'send' || c.kind === 'reply').at(-1)!;
    expect(last.conversationId).toBe('a:personal-bo');
    expect(activityText(last.body)).toBe('Trellis removed 11 of its messages and files from this chat.');
    expect(teams.app.db.prepare('SELECT count(*) AS n FROM platform_removals').get()).toEqual({ n: 0 });
    expect(rowsNaming('aad-bo')).toBe(0);
    expect(rowsNaming('a:personal-bo')).toBe(0);
  });

  test('Delete messages only keeps the journal; a 500 is retried; a 403 is counted in the last message', async () => {
    const coach = await day('cy');
    const before = recorded('cy');
    connector.clear();
    // The core's call, as the typed "delete messages confirm" makes it: the removals start on the next turn.
    expect(teams.app.trellis.confirmDeleteMessages(refOf('cy')).lines.join(' ')).toContain('Your journal stays');
    connector.failNext(500);
    connector.failNext(403);
    const summary = await teams.removals();
    expect(summary.teams).toMatchObject({ failed: 1, reported: 1 });
    // The 500 is retried (botbuilder's connector client retries a 5xx itself before Trellis's backoff would);
    // the 403 is final: every other activity went.
    expect(connector.removed).toHaveLength(before.length - 1);
    const last = connector.activities().at(-1)!;
    expect(activityText(last.body)).toBe(
      `Trellis removed ${before.length - 1} of its messages and files from this chat. 1 could not be removed: delete it yourself (hover over the message, choose More options (…), then Delete).`,
    );
    expect(teams.app.repos.selfChecks.count(coach.id)).toBe(1);
    expect(teams.app.repos.reflections.count(coach.id)).toBe(1);
    expect(teams.app.removals.store.list('failed')).toHaveLength(1);
  });
});
