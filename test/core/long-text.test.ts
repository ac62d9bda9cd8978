import { splitLongText } from '../../src/core/long-text';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { REFLECTION_MAX } from '../../src/core/trellis';
import { makeTrellis } from '../helpers/trellis';

const me: CoachRef = { platform: 'slack', tenant: 'T1', user: 'ULONG' };
const squash = (s: string) => s.replace(/\s+/g, '');

describe('a text longer than one entry holds', () => {
  test.each([
    ['paragraphs', Array.from({ length: 12 }, (_, i) => `Para ${i}. ${'word '.repeat(120)}`).join('\n\n')],
    ['sentences on one line', 'She paused. I waited! Then what? '.repeat(400)],
    ['one unbroken word', 'x'.repeat(9001)],
    ['exactly the limit plus one', `${'a '.repeat(2000)}b`],
  ])('%s: cut into parts that each fit, every character kept in order', (_what, text) => {
    const parts = splitLongText(text, 4000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4000);
      expect(p.length).toBeGreaterThan(0);
      expect(p).toBe(p.trim());
    }
    expect(squash(parts.join(''))).toBe(squash(text));
  });

  test('a paragraph break is preferred to a cut mid-sentence', () => {
    const first = 'A'.repeat(3000);
    const parts = splitLongText(`${first}\n\nSecond paragraph. ${'b'.repeat(1500)}`, 4000);
    expect(parts[0]).toBe(first);
    expect(parts[1].startsWith('Second paragraph.')).toBe(true);
  });

  test('past 40,000 characters (one Slack message) it is refused whole, with what to do, and nothing is stored', () => {
    const t = makeTrellis('2026-11-24T09:00:00Z');
    try {
      const reply = t.trellis.handleText(me, `${'Forty thousand and one. '.repeat(1667)}x`.slice(0, 40_001));
      const said = reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;
      expect(said).toContain('one message keeps up to 40,000. Send it in parts.');
      expect(said).not.toContain('Forty thousand');
      expect(t.db.prepare('SELECT count(*) FROM reflections').pluck().get()).toBe(0);
      const fits = t.trellis.handleText(me, 'y '.repeat(20_000).trim());
      expect(fits.type === 'messages' && toPlainText(fits.messages[0])).toContain('kept whole as');
    } finally {
      t.close();
    }
  });

  test('a text that fits is one part', () => {
    expect(splitLongText('short', 4000)).toEqual(['short']);
  });

  test('sent as a DM, it is saved whole as entries; a retry of the same request saves nothing twice', () => {
    const t = makeTrellis('2026-11-24T09:00:00Z');
    try {
      const typed = Array.from({ length: 10 }, (_, i) => `Part ${i}: ${'I stayed with her silence. '.repeat(40)}`).join(
        '\n',
      );
      expect(typed.length).toBeGreaterThan(REFLECTION_MAX * 2);
      const say = () => {
        const reply = t.trellis.handleText(me, typed, { requestKey: 'slack:Ev1' });
        return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;
      };
      // Ten lines of about 1,090 characters: three lines fit an entry, so four entries.
      expect(say()).toContain('kept whole as 4 entries in a row');
      say();
      const coach = t.repos.coaches.find(me)!;
      const saved = t.repos.reflections.between(coach.id, '0000-01-01', '9999-12-31');
      expect(saved).toHaveLength(4);
      expect(squash(saved.map((r) => r.text).join(''))).toBe(squash(typed));
    } finally {
      t.close();
    }
  });
});
