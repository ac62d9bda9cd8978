import { looksLikeCommand } from '../../src/core/conversation';
import { JOURNAL_PAGE_SIZE } from '../../src/core/journal';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import type { Reply } from '../../src/core/trellis';
import { renderBlocks } from '../../src/platforms/slack/render';
import { makeTrellis } from '../helpers/trellis';

const me: CoachRef = { platform: 'slack', tenant: 'T1', user: 'U1' };
const DAY = 24 * 60 * 60 * 1000;

function only(reply: Reply) {
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages[0];
}

describe('what counts as a command gone wrong', () => {
  test.each(['histroy', 'settings 9am', 'skip it', 'help me', 'Journal this?', 'promt', 'snoze', '/trend please'])(
    '%s is asked about',
    (text) => {
      expect(looksLikeCommand(text)).toBe(true);
    },
  );

  test.each([
    'helped her today',
    'Trust',
    'history repeats itself with this client, again',
    'skip\nthe next part went well',
    'A long reflection that happens to start with nothing like a command.',
  ])('%s is kept at once', (text) => {
    expect(looksLikeCommand(text)).toBe(false);
  });
});

describe('the conversation keeps every word', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  test('a pending text nobody answers becomes a journal entry after seven days, dated when it was written', () => {
    expect(toPlainText(only(t.trellis.handleText(me, 'histroy')))).toMatch(/Should it go in your journal/);
    const coach = t.repos.coaches.find(me);
    expect(t.repos.pendingTexts.forCoach(coach?.id ?? 0)).toHaveLength(1);
    t.clock.advance(6 * DAY);
    t.trellis.handleText(me, 'A text on day six.');
    expect(t.repos.pendingTexts.forCoach(coach?.id ?? 0)).toHaveLength(1);
    t.clock.advance(2 * DAY);
    t.trellis.handleText(me, 'A text on day eight.');
    expect(t.repos.pendingTexts.forCoach(coach?.id ?? 0)).toHaveLength(0);
    const kept = t.repos.reflections.between(coach?.id ?? 0, '2026-11-24', '2026-11-24');
    expect(kept.map((r) => [r.text, r.promptId])).toEqual([['histroy', null]]);
  });

  test('"keep" answers the prompt that was open when the text came; a deleted coach leaves no pending text', () => {
    t.trellis.handleText(me, 'prompt');
    t.trellis.handleText(me, 'help me');
    expect(toPlainText(only(t.trellis.handleText(me, 'keep')))).toContain('your reply to the prompt');
    t.trellis.handleText(me, 'skip it');
    t.trellis.confirmDelete(me);
    expect(t.db.prepare('SELECT count(*) FROM pending_texts').pluck().get()).toBe(0);
  });

  test("a pending text is part of the coach's export", () => {
    t.trellis.handleText(me, 'histroy');
    const json = t.trellis.exportData(me).files?.find((f) => f.mimeType === 'application/json');
    expect(JSON.parse(json?.content ?? '{}').pendingTexts).toEqual([
      expect.objectContaining({ text: 'histroy', createdAt: '2026-11-24T09:00:00.000Z' }),
    ]);
  });

  test('typed skip and snooze act on the open prompt and save nothing', () => {
    t.trellis.handleText(me, 'prompt');
    expect(toPlainText(only(t.trellis.handleText(me, 'snooze')))).toContain('Snoozed');
    expect(toPlainText(only(t.trellis.handleText(me, '/selfcheck skip')))).toContain('Skipped');
    expect(t.repos.reflections.count()).toBe(0);
  });

  test('a full page of the longest entries fits Slack: at most 50 blocks, every section within 3,000 characters', () => {
    for (let i = 0; i < JOURNAL_PAGE_SIZE + 1; i++) t.trellis.handleText(me, `${i} ${'word '.repeat(799)}end`);
    const page = only(t.trellis.handleText(me, 'journal'));
    const blocks = renderBlocks(page) as { type: string; text?: { text: string } }[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    // Every word of each entry is there, across its lines: nothing was cut.
    const shown = page.lines.join(' ');
    expect(shown.match(/word/g)).toHaveLength(JOURNAL_PAGE_SIZE * 799);
    expect(page.footer).toContain('Page 1 of 2');
  });

  test('the search word never reaches the log', () => {
    t.trellis.handleText(me, 'A reflection about Quillfeather and trust.');
    expect(toPlainText(only(t.trellis.handleText(me, 'journal search quillfeather')))).toContain('Quillfeather');
    expect(t.logLines.join('\n').toLowerCase()).not.toContain('quillfeather');
  });
});
