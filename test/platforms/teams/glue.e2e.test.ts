import { FixedClock } from '../../helpers/clock';
import { activityText, type ConnectorCall, cardOf, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import { addCheck, addReflection, ratings } from '../../helpers/weekly';
import { channelMention, personalInstall, personalMessage, startTeams, TENANT, type TeamsHarness } from './harness';

const CHANNEL = '19:peer-group@thread.tacv2';
const refOf = (user: string) => ({ platform: 'teams' as const, tenant: TENANT, user: `aad-${user}` });

type CardAction = { title: string; data: Record<string, string> };
const actionsOf = (call: ConnectorCall) => (cardOf(call.body)?.actions ?? []) as CardAction[];

/** Export, delete, share and cancel buttons, channel commands and the weekly chart, through the real adapter. */
describe('Teams: the buttons and commands between features', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;

  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    // Friday 8 January 2027.
    teams = await startTeams({ dbFile: db.file, clock: new FixedClock('2027-01-08T12:00:00Z') });
  });

  afterEach(async () => {
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  const say = (user: string, text: string) => teams.post(personalMessage(connector.url, user, text));
  const press = (user: string, action: CardAction, cardId = 'card-1') =>
    teams.post(personalMessage(connector.url, user, undefined, { value: action.data, replyToId: cardId }));
  const inChannel = (user: string, text: string) => teams.post(channelMention(connector.url, user, CHANNEL, text));

  test('delete: Cancel keeps everything; Delete everything removes every row and the stored reference', async () => {
    await teams.post(personalInstall(connector.url, 'bo'));
    await say('bo', 'selfcheck 2 3 4 5 4 3 private words');
    await say('bo', 'prompt');
    const coach = teams.app.repos.coaches.find(refOf('bo'))!;
    const rows = () =>
      ['self_checks', 'prompt_issues', 'reflections'].map(
        (t) =>
          (teams.app.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE coach_id = ?`).get(coach.id) as { n: number }).n,
      );
    expect(rows()).toEqual([1, 1, 0]);

    connector.clear();
    await say('bo', 'delete');
    const [question] = connector.activities();
    const [confirm, messagesOnly, cancel] = actionsOf(question);
    expect(confirm.data).toEqual({ trellisAction: 'confirm_delete', value: 'delete' });
    expect(messagesOnly.data).toEqual({ trellisAction: 'confirm_delete_messages', value: 'messages' });
    expect(cancel.data).toEqual({ trellisAction: 'cancel', value: 'delete' });

    connector.clear();
    await press('bo', cancel, 'delete-card');
    const [cancelled] = connector.activities();
    expect(cancelled.kind).toBe('update');
    expect(cancelled.activityId).toBe('delete-card');
    expect(activityText(cancelled.body)).toContain('Nothing was deleted.');
    expect(rows()).toEqual([1, 1, 0]);

    connector.clear();
    await press('bo', confirm, 'delete-card');
    const [deleted] = connector.activities();
    expect(deleted.kind).toBe('update');
    expect(activityText(deleted.body)).toContain('Deleted: 1 self-check, 0 reflections, 1 prompt');
    expect(teams.app.repos.coaches.find(refOf('bo'))).toBeUndefined();
    expect(rows()).toEqual([0, 0, 0]);
    expect(teams.app.db.prepare("SELECT COUNT(*) AS n FROM self_checks WHERE note = 'private words'").get()).toEqual({
      n: 0,
    });
    // The personal conversation reference (which names the coach) is gone too; writing again stores it afresh.
    expect(teams.teams.references.personal(TENANT, 'aad-bo')).toBeUndefined();
    await say('bo', 'help');
    expect(teams.teams.references.personal(TENANT, 'aad-bo')).toBeDefined();
  });

  test('"delete confirm" typed deletes and forgets the stored reference too', async () => {
    await say('dan', 'selfcheck 3 3 3 3 3 3');
    expect(teams.teams.references.personal(TENANT, 'aad-dan')).toBeDefined();
    connector.clear();
    await say('dan', 'delete confirm');
    expect(activityText(connector.activities()[0].body)).toContain('Deleted: 1 self-check');
    expect(teams.app.repos.coaches.find(refOf('dan'))).toBeUndefined();
    expect(teams.teams.references.personal(TENANT, 'aad-dan')).toBeUndefined();
  });

  test('"delete confirm" from someone Trellis holds nothing about keeps no conversation reference either', async () => {
    await say('eve', 'delete confirm');
    expect(activityText(connector.activities()[0].body)).toContain('Trellis holds nothing about you');
    expect(teams.app.repos.coaches.find(refOf('eve'))).toBeUndefined();
    expect(teams.teams.references.personal(TENANT, 'aad-eve')).toBeUndefined();
    // Writing again stores it afresh.
    await say('eve', 'help');
    expect(teams.teams.references.personal(TENANT, 'aad-eve')).toBeDefined();
  });

  test('digest here, group join and leave in a channel get the core answers; share and Keep it private', async () => {
    const here = await inChannel('lead', 'digest here fri 15:00');
    expect(here.status).toBe(200);
    const [registered] = connector.activities();
    expect(registered.conversationId).toBe(`${CHANNEL};messageid=1700000000000`);
    expect(activityText(registered.body)).toContain(
      'This channel is now a peer-supervision channel: the digest comes every Friday at 15:00',
    );
    const group = teams.app.repos.groups.find('teams', TENANT, CHANNEL)!;
    expect(group).toMatchObject({ name: 'Peer supervision', digestWeekday: 5, digestTime: '15:00' });
    // "digest here" is a channel command, never a quick self-check.
    expect(teams.app.db.prepare('SELECT COUNT(*) AS n FROM self_checks').get()).toEqual({ n: 0 });

    for (const user of ['lead', 'kim', 'raj']) {
      connector.clear();
      await inChannel(user, 'group join');
      expect(activityText(connector.activities()[0].body)).toBe(
        'You joined #Peer supervision. The digest shows group numbers only, never yours; a reflection appears only if you share it (/selfcheck share in your DM).',
      );
    }
    connector.clear();
    await inChannel('raj', 'selfcheck group leave');
    expect(activityText(connector.activities()[0].body)).toContain('You left #Peer supervision.');
    expect(teams.app.repos.groups.memberCount(group.id)).toBe(2);

    // In the personal chat "digest here" says where to type it.
    connector.clear();
    await say('kim', 'digest here');
    expect(activityText(connector.activities()[0].body)).toContain('in the channel that should get the weekly digest');

    // Share from the personal chat: the preview's Keep it private shares nothing; Share shares.
    const lead = teams.app.repos.coaches.find(refOf('lead'))!;
    const reflection = addReflection(teams.app.repos, lead, '2027-01-07', 'I noticed my own hurry.');
    connector.clear();
    await say('lead', 'share');
    const [preview] = connector.activities();
    const [share, keep] = actionsOf(preview);
    expect(share.data).toEqual({ trellisAction: 'share', value: String(reflection.id) });
    expect(keep).toMatchObject({ title: 'Keep it private', data: { trellisAction: 'cancel' } });

    connector.clear();
    await press('lead', keep, 'preview-card');
    expect(activityText(connector.activities()[0].body)).toBe(
      'Nothing was shared. Your group does not see the reflection unless you share it.',
    );
    expect(teams.app.repos.sharedReflections.groupsSharedWith(reflection.id)).toEqual([]);

    connector.clear();
    await press('lead', share, 'preview-card');
    const [shared] = connector.activities();
    expect(shared.kind).toBe('update');
    expect(activityText(shared.body)).toContain(
      'Shared with #Peer supervision, without your name (the words themselves may still tell your group who wrote them).',
    );
    expect(teams.app.repos.sharedReflections.groupsSharedWith(reflection.id)).toEqual([group.id]);

    // Someone else pressing Share with that id shares nothing.
    connector.clear();
    await press('kim', share, 'other-card');
    expect(activityText(connector.activities()[0].body)).toContain('not one of yours');
  });

  test("the weekly summary's chart is an inline PNG image in the Adaptive Card, at most 1024 pixels wide", async () => {
    await teams.post(personalInstall(connector.url, 'cy'));
    const coach = teams.app.trellis.coach(refOf('cy'));
    addCheck(teams.app.repos, coach, '2027-01-05', ratings(4));
    addCheck(teams.app.repos, coach, '2026-12-29', ratings(3));
    const summary = (await teams.app.trellis.weeklySummaryFor(coach.id, teams.app.clock.now()))!;
    expect(summary.image).toBeDefined();
    connector.clear();
    await teams.teams.messenger.sendDirect(coach, summary, 'weekly:test');
    const [sent] = connector.activities();
    const card = cardOf(sent.body)!;
    const image = (card.body as Record<string, string>[]).find((e) => e.type === 'Image')!;
    expect(image.altText).toBe(summary.image!.alt);
    const m = /^data:image\/png;base64,(.+)$/.exec(image.url)!;
    const png = Buffer.from(m[1], 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.equals(Buffer.from(summary.image!.png))).toBe(true);
    // Teams shows no card image over 1024×1024 pixels (the PNG's IHDR: width, then height).
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 455]);
    // The text reads whole beside it.
    expect(activityText(sent.body)).toContain('Your week');
  });
});
