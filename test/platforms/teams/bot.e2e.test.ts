import { newKey } from '../../helpers/app';
import { activityText, cardOf, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import {
  BOT,
  channelMention,
  personalInstall,
  personalMessage,
  startTeams,
  TENANT,
  type TeamsHarness,
} from './harness';

/** End to end over HTTP: activities POSTed to the real /api/messages; replies land on a fake Bot Connector. */
describe('Teams bot over HTTP (emulator mode)', () => {
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;

  beforeEach(async () => {
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    teams = await startTeams({ dbFile: db.file });
  });

  afterEach(async () => {
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  const count = (table: string) =>
    (teams.app.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  test('install stores the personal conversation reference and welcomes the coach once', async () => {
    const res = await teams.post(personalInstall(connector.url, 'ana'));
    expect(res.status).toBe(200);
    const reference = teams.teams.references.personal(TENANT, 'aad-ana');
    expect(reference).toMatchObject({
      serviceUrl: connector.url,
      conversation: { id: 'a:personal-ana' },
      bot: { id: BOT.id },
    });
    const sent = connector.activities();
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toBe('a:personal-ana');
    expect(activityText(sent[0].body)).toContain('Welcome to Trellis');
    // No encryption key in this deployment: the welcome says who can read notes, and does not promise secrecy.
    expect(activityText(sent[0].body)).toContain(
      'They are stored unencrypted; the people who run Trellis for your organisation can read and export them.',
    );
    expect(activityText(sent[0].body)).not.toMatch(/private to you|only you/i);
  });

  test('with an encryption key set, the welcome says notes are encrypted and that the key holders can export them', async () => {
    const keyedDb = tempDbFile();
    const keyed = await startTeams({ dbFile: keyedDb.file, env: { TRELLIS_ENCRYPTION_KEY: newKey() } });
    try {
      await keyed.post(personalInstall(connector.url, 'kai'));
      expect(activityText(connector.activities()[0].body)).toContain(
        'They are stored encrypted; the people who run Trellis for your organisation hold the key and can still export them.',
      );
    } finally {
      await keyed.stop();
      keyedDb.cleanup();
    }
  });

  test('installationUpdate stores the reference without a second welcome', async () => {
    const install = personalInstall(connector.url, 'abe');
    const res = await teams.post({ ...install, type: 'installationUpdate', action: 'add', membersAdded: undefined });
    expect(res.status).toBe(200);
    expect(teams.teams.references.personal(TENANT, 'aad-abe')).toMatchObject({
      conversation: { id: 'a:personal-abe' },
    });
    expect(connector.activities()).toHaveLength(0);
  });

  test('selfcheck sends a card; a valid submit records it and replaces the card with the acknowledgement', async () => {
    await teams.post(
      personalMessage(connector.url, 'ben', `<at>${BOT.name}</at> /selfcheck`, {
        entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
      }),
    );
    const [cardReply] = connector.activities();
    expect(cardReply.kind).toBe('reply');
    const card = cardOf(cardReply.body)!;
    const choiceSets = (card.body as Record<string, unknown>[]).filter((e) => e.type === 'Input.ChoiceSet');
    expect(choiceSets.map((c) => c.id)).toEqual(['context', 'respect', 'talents', 'empathy', 'feelings', 'openness']);
    expect((choiceSets[0].choices as { title: string }[]).map((c) => c.title)).toEqual([
      '1 Not yet',
      '2 Rarely',
      '3 Sometimes',
      '4 Often',
      '5 Consistently',
    ]);
    const note = (card.body as Record<string, unknown>[]).find((e) => e.id === 'note')!;
    expect(note).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 2000 });
    const submitAction = (card.actions as Record<string, unknown>[])[0];
    expect(submitAction.type).toBe('Action.Submit');

    // The card "posted" by the connector has an id; Teams sends the submit as a message replying to it.
    const cardId = 'card-activity-1';
    const submit = personalMessage(connector.url, 'ben', undefined, {
      replyToId: cardId,
      value: {
        ...(submitAction.data as object),
        context: '4',
        respect: '3',
        talents: '5',
        empathy: '',
        feelings: '4',
        openness: '2',
        note: 'felt rushed',
      },
    });
    const res = await teams.post(submit);
    expect(res.status).toBe(200);
    const update = connector.activities((c) => c.kind === 'update');
    expect(update).toHaveLength(1);
    expect(update[0].activityId).toBe(cardId);
    const text = activityText(update[0].body);
    expect(text).toContain('Thanks, your self-check is saved');
    expect(text).toContain('A tip for openness');

    const rows = teams.app.db.prepare('SELECT context, empathy, openness, note, local_date FROM self_checks').all();
    expect(rows).toEqual([
      { context: 4, empathy: null, openness: 2, note: 'felt rushed', local_date: expect.any(String) },
    ]);
    // The time zone came from the activity's localTimezone.
    const coach = teams.app.repos.coaches.find({ platform: 'teams', tenant: TENANT, user: 'aad-ben' })!;
    expect(coach.settings.timeZone).toBe('Europe/London');

    // Teams retrying the same submit (same activity id) records nothing twice.
    await teams.post(submit);
    expect(count('self_checks')).toBe(1);
    // The note is confidential: it is in no log line.
    expect(teams.logLines.length).toBeGreaterThan(0);
    expect(teams.logLines.join('\n')).not.toContain('felt rushed');
  });

  test('an invalid submit re-sends the card with what to fix beside each field, and stores nothing', async () => {
    const res = await teams.post(
      personalMessage(connector.url, 'cai', undefined, {
        replyToId: 'card-2',
        value: { trellisAction: 'selfcheck_submit', context: '6', respect: 'x', note: 'n'.repeat(2001) },
      }),
    );
    expect(res.status).toBe(200);
    const [reply] = connector.activities();
    expect(reply.kind).toBe('reply');
    const text = activityText(reply.body);
    expect(text).toContain('The rating for Context is out of range');
    expect(text).toContain('The rating for Respect is not a number');
    expect(text).toContain('the limit is 2,000');
    // The coach's answers are kept in the re-sent card.
    const card = cardOf(reply.body)!;
    const note = (card.body as Record<string, unknown>[]).find((e) => e.id === 'note')!;
    expect(String(note.value)).toHaveLength(2001);
    expect(count('self_checks')).toBe(0);
    expect(connector.activities((c) => c.kind === 'update')).toHaveLength(0);
  });

  test('quick selfcheck, help, history, trend and settings answer as in the core', async () => {
    await teams.post(personalMessage(connector.url, 'dee', 'selfcheck 4 3 5 4 4 2 a calm session'));
    await teams.post(personalMessage(connector.url, 'dee', 'help'));
    await teams.post(personalMessage(connector.url, 'dee', 'history'));
    await teams.post(personalMessage(connector.url, 'dee', 'trend'));
    await teams.post(personalMessage(connector.url, 'dee', 'settings'));
    const texts = connector.activities().map((c) => activityText(c.body));
    expect(texts[0]).toContain('Thanks, your self-check is saved. Context 4 · Respect 3');
    // No install was seen for this coach: the welcome follows the first answer, once (issue #14).
    expect(texts[1]).toContain('Welcome to Trellis');
    expect(texts.filter((t) => t.includes('Welcome to Trellis'))).toHaveLength(1);
    expect(texts[2]).toContain('Trellis commands');
    expect(texts[3]).toContain('Recent self-checks');
    expect(texts[3]).toContain('(note)');
    expect(texts[4]).toContain('Your trend');
    expect(texts[5]).toContain('Europe/London');
    expect(count('self_checks')).toBe(1);
  });

  test('prompt buttons: Reflect opens a text box, its submit saves the reflection; Skip marks the prompt', async () => {
    await teams.post(personalMessage(connector.url, 'eve', 'prompt'));
    const promptCard = cardOf(connector.activities()[0].body)!;
    const buttons = (promptCard.actions as { title: string; data: Record<string, string> }[]).map((a) => a.data);
    expect(buttons.map((b) => b.trellisAction)).toEqual(['reflect', 'skip', 'snooze']);
    const issueId = buttons[0].value;
    expect(issueId).toMatch(/^\d+$/);

    connector.clear();
    await teams.post(personalMessage(connector.url, 'eve', undefined, { value: buttons[0], replyToId: 'prompt-card' }));
    const reflectCard = cardOf(connector.activities()[0].body)!;
    expect((reflectCard.body as Record<string, unknown>[]).some((e) => e.id === 'reflection')).toBe(true);
    const save = (reflectCard.actions as { data: Record<string, string> }[])[0].data;

    connector.clear();
    await teams.post(
      personalMessage(connector.url, 'eve', undefined, {
        replyToId: 'reflect-card',
        value: { ...save, reflection: 'I waited through a long silence and the client went on.' },
      }),
    );
    expect(activityText(connector.activities((c) => c.kind === 'update')[0].body)).toContain('Saved to your journal');
    const status = teams.app.db.prepare('SELECT status FROM prompt_issues WHERE id = ?').get(Number(issueId));
    expect(status).toEqual({ status: 'answered' });
    expect(count('reflections')).toBe(1);

    connector.clear();
    await teams.post(personalMessage(connector.url, 'eve', undefined, { value: buttons[1] }));
    expect(activityText(connector.activities()[0].body)).toContain('already answered');
  });

  test('a plain reply while a prompt is open is saved as the reflection; Snooze keeps it open', async () => {
    await teams.post(personalMessage(connector.url, 'fay', 'prompt'));
    const promptCard = cardOf(connector.activities()[0].body)!;
    const snooze = (promptCard.actions as { data: Record<string, string> }[])[2].data;
    connector.clear();
    await teams.post(personalMessage(connector.url, 'fay', undefined, { value: snooze }));
    expect(activityText(connector.activities()[0].body)).toContain('Snoozed');
    connector.clear();
    await teams.post(personalMessage(connector.url, 'fay', 'She paused before naming her fear; I stayed with it.'));
    expect(activityText(connector.activities()[0].body)).toContain('Saved to your journal');
    expect(count('reflections')).toBe(1);
  });

  test('"@Trellis digest here" in a channel stores its reference and gets the core\'s real answer in the thread', async () => {
    const channelId = '19:peer-group@thread.tacv2';
    const res = await teams.post(channelMention(connector.url, 'gus', channelId, 'digest here'));
    expect(res.status).toBe(200);
    const stored = teams.teams.references.channel(TENANT, channelId);
    expect(stored).toMatchObject({ serviceUrl: connector.url, conversation: { id: channelId } });
    // The core registered this channel as a group (kind 'group', with the channel's name) and said so, in the thread.
    const group = teams.app.repos.groups.find('teams', TENANT, channelId);
    expect(group).toMatchObject({ channelId, name: 'Peer supervision', digestWeekday: 1, digestTime: '09:00' });
    const [reply] = connector.activities();
    expect(reply.conversationId).toBe(`${channelId};messageid=1700000000000`);
    expect(activityText(reply.body)).toContain(
      'This channel is now a peer-supervision channel: the digest comes every Monday at 09:00',
    );
    // Never read as a quick self-check.
    expect(count('self_checks')).toBe(0);
    // Personal commands stay out of channels.
    connector.clear();
    await teams.post(channelMention(connector.url, 'gus', channelId, 'history'));
    expect(activityText(connector.activities()[0].body)).toContain('personal chat');
    // A self-check card submitted in a channel is turned away too: no ratings are answered where others read.
    connector.clear();
    const submit = channelMention(connector.url, 'gus', channelId, '');
    delete submit.text;
    submit.value = { trellisAction: 'selfcheck_submit', context: '4', note: 'private' };
    await teams.post(submit);
    expect(activityText(connector.activities()[0].body)).toContain('personal chat');
    expect(count('self_checks')).toBe(0);
    expect(count('group_members')).toBe(0);
  });
});
