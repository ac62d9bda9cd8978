import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { activityText } from '../helpers/fake-bot-connector';
import { SlackHarness, TEAM } from '../helpers/slack-harness';
import { personalMessage } from './teams/harness';
import { useTeams } from './teams/use-teams';

/**
 * Issue #14, no free text is discarded: the words of a message with a file or image attached (Slack's file_share, a
 * Teams file or inline image) are kept like any message's, and the coach is told the file is not. Trellis's own
 * uploads coming back as Slack events are not taken for a coach's message.
 */
const NOT_KEPT = 'The file itself is not kept';

describe('Slack: a DM with a file attached', () => {
  const h = new SlackHarness({ start: '2026-11-24T09:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  const reflections = (user: string) => {
    const coach = h.ctx.repos.coaches.find({ platform: 'slack', tenant: TEAM, user });
    return coach ? h.ctx.repos.reflections.between(coach.id, '0000-01-01', '9999-12-31').map((r) => r.text) : [];
  };
  const fileShare = (user: string, text: string) =>
    h.event({
      type: 'message',
      subtype: 'file_share',
      channel: `D${user.slice(1)}`,
      channel_type: 'im',
      user,
      text,
      files: [{ id: 'F0PHOTO', name: 'whiteboard.png' }],
      upload: true,
      ts: '1700000001.000100',
      event_ts: '1700000001.000100',
    });

  test('its words are kept as a journal entry, and the coach is told the file is not', async () => {
    await fileShare('U1FILE', 'The whiteboard from today: where she drew her fears.');
    await h.idle();
    expect(reflections('U1FILE')).toEqual(['The whiteboard from today: where she drew her fears.']);
    const said = h.dmTexts('U1FILE').join('\n');
    expect(said).toContain('Saved to your journal');
    expect(said).toContain(NOT_KEPT);
  });

  test('a file with no words: nothing to keep, and the coach is told so', async () => {
    await fileShare('U2FILE', '');
    await h.idle();
    expect(reflections('U2FILE')).toEqual([]);
    expect(h.dmTexts('U2FILE').join('\n')).toContain(NOT_KEPT);
  });

  test("Trellis's own upload coming back as an event is not a coach's message", async () => {
    const before = h.fake.calls.length;
    await fileShare('U0BOT', 'Your weekly chart');
    await h.idle();
    expect(h.fake.calls.length).toBe(before);
    expect(reflections('U0BOT')).toEqual([]);
  });
});

describe('Teams: a personal message with a file or image', () => {
  const t = useTeams();
  const texts = (user: string) =>
    t.connector
      .activities()
      .filter((a) => a.conversationId === `a:personal-${user}`)
      .map((a) => activityText(a.body))
      .join('\n');
  const file = {
    contentType: 'application/vnd.microsoft.teams.file.download.info',
    contentUrl: 'https://contoso.sharepoint.com/notes.docx',
    name: 'notes.docx',
    content: { downloadUrl: 'https://download.example/notes.docx', uniqueId: 'u1', fileType: 'docx' },
  };
  const reflections = (user: string) => {
    const coach = t.teams.app.repos.coaches.find({ platform: 'teams', tenant: 'tenant-1', user: `aad-${user}` });
    return coach ? t.teams.app.repos.reflections.between(coach.id, '0000-01-01', '9999-12-31').map((r) => r.text) : [];
  };

  test('its words are kept, and the coach is told the file is not', async () => {
    await t.teams.post(
      personalMessage(t.connector.url, 'fia', 'My notes from the session, attached.', { attachments: [file] }),
    );
    expect(reflections('fia')).toEqual(['My notes from the session, attached.']);
    expect(texts('fia')).toContain('Saved to your journal');
    expect(texts('fia')).toContain(NOT_KEPT);
  });

  test('an image with no words: nothing saved, the coach is told, no help list instead', async () => {
    await t.teams.post(
      personalMessage(t.connector.url, 'gus', undefined, {
        attachments: [{ contentType: 'image/png', contentUrl: 'https://smba.example/img.png' }],
      }),
    );
    expect(reflections('gus')).toEqual([]);
    expect(texts('gus')).toContain(NOT_KEPT);
    expect(texts('gus')).not.toContain('Trellis commands');
  });
});
