import fc from 'fast-check';
import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import { LONG_TEXT_MAX } from '../../src/core/conversation';
import { TrellisError } from '../../src/core/errors';
import { toPlainText } from '../../src/core/message';
import type { CoachRef, Ratings } from '../../src/core/model';
import { cleanText, NOTE_MAX, parseQuickSelfCheck, validateSelfCheckForm } from '../../src/core/selfcheck';
import { REFLECTION_MAX } from '../../src/core/trellis';
import { createRepositories, openDatabase } from '../../src/store';
import { createTextCipher, plainTextCipher } from '../../src/store/crypto';
import { newKey } from '../helpers/app';
import { testSettings } from '../helpers/settings';
import { tempDbFile } from '../helpers/temp-db';
import { makeTrellis } from '../helpers/trellis';

const ana: CoachRef = { platform: 'console', tenant: 'local', user: 'ana' };

const HOSTILE_TEXTS = {
  rtl: 'שלום, הלקוחה שתקה ארוכות — مرحبا بالعالم \u202Eevil\u202C',
  emoji: '🙂🙃 👩🏽‍⚕️ 🧑‍🤝‍🧑 family: 👨‍👩‍👧‍👦 flags 🇬🇧🇳🇵',
  sql: 'Robert\'); DROP TABLE self_checks; -- " OR 1=1; /* */ UNION SELECT * FROM coaches',
  combining: 'Zalgo: Z̴̡̛a̷l̶g̸o̵ e\u0301',
};

describe('hostile text through the core', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis();
  });
  afterEach(() => t.close());

  const say = (text: string) => {
    const reply = t.trellis.handleText(ana, text);
    return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;
  };
  const counts = () => ({
    checks: t.db.prepare('SELECT count(*) FROM self_checks').pluck().get(),
    reflections: t.db.prepare('SELECT count(*) FROM reflections').pluck().get(),
  });

  it('a 100,000-character note or reflection is refused with the limit, and nothing is stored', () => {
    const huge = 'a'.repeat(100_000);
    expect(say(`/selfcheck 4 3 5 4 4 2 ${huge}`)).toBe(
      `Your note is 100,000 characters; the limit is ${NOTE_MAX.toLocaleString('en')}. Shorten it and send it again.`,
    );
    say('prompt');
    // Up to LONG_TEXT_MAX a text is kept whole as entries of REFLECTION_MAX in a row (long-text.test.ts); past it, refused.
    expect(REFLECTION_MAX).toBeLessThan(LONG_TEXT_MAX);
    expect(say(huge)).toMatch(
      new RegExp(`100,000 characters; one message keeps up to ${LONG_TEXT_MAX.toLocaleString('en')}`),
    );
    expect(counts()).toEqual({ checks: 0, reflections: 0 });
    expect(validateSelfCheckForm({ ratings: { context: '4' }, note: huge })).toEqual({
      ok: false,
      errors: { note: expect.stringMatching(/100,000 characters/) },
    });
    // The next good request is served normally.
    expect(say('/selfcheck 4 3 5 4 4 2 fine')).toMatch(/saved/);
  });

  it('control characters are dropped, the rest is kept', () => {
    say('/selfcheck 4 3 5 4 4 2 bell\u0007 null\u0000 esc\u001b[31m tab\tkept');
    expect(t.repos.selfChecks.recent(1, 1)[0].note).toBe('bell null esc[31m tab\tkept');
  });

  it.each(Object.entries(HOSTILE_TEXTS))(
    '%s text is stored verbatim and harmless, as note and reflection',
    (_, text) => {
      expect(say(`/selfcheck 4 3 5 4 4 2 -- ${text}`)).toMatch(/saved/);
      say('prompt');
      expect(say(text)).toMatch(/Saved to your journal/);
      const coach = t.repos.coaches.find(ana)!;
      expect(t.repos.selfChecks.recent(coach.id, 1)[0].note).toBe(cleanText(text));
      expect(t.repos.reflections.recent(coach.id, 1)[0].text).toBe(cleanText(text));
      // The SQL fragment did nothing: every table is still there.
      expect(counts()).toEqual({ checks: 1, reflections: 1 });
      expect(say('history')).toContain('Recent reflections');
    },
  );

  it('ratings of the wrong type are field errors, never a crash', () => {
    const wrong: unknown[] = [0, 6, -1, 3.5, '3.5', 'abc', '', true, {}, [], [3], Number.NaN, '1e1', '٣', ' 4 '];
    for (const value of wrong) {
      const result = validateSelfCheckForm({ ratings: { context: value }, note: null });
      if (value === '' || value === ' 4 ') continue; // skipped; and "4" with spaces is a fine 4
      expect(result.ok).toBe(false);
    }
    expect(validateSelfCheckForm({ ratings: { context: ' 4 ' }, note: null })).toEqual({
      ok: true,
      value: { ratings: { context: 4 }, note: null },
    });
    for (const raw of [null, undefined, 'text', 42, [], { ratings: 'x' }, { ratings: { context: 3 }, note: 7 }]) {
      expect(validateSelfCheckForm(raw)).toMatchObject({ ok: false });
    }
    for (const args of [
      '4 3 five 4 4 2',
      '4 3 5 4 4 9',
      '4 3 5 4 4',
      '1 2 3 4 5 1 2',
      '- - - - - -',
      '4.0 3 5 4 4 2',
    ]) {
      expect(say(`/selfcheck ${args}`)).not.toMatch(/saved/);
    }
    expect(counts().checks).toBe(0);
  });
});

describe('properties (fast-check)', () => {
  const ratingToken = fc.constantFrom('1', '2', '3', '4', '5', '-');

  it('the quick-ratings parser never throws anything but a TrellisError', () => {
    const words = fc.array(fc.oneof(ratingToken, fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 10 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          words.map((w) => w.join(' ')),
        ),
        (input) => {
          try {
            parseQuickSelfCheck(input);
          } catch (error) {
            if (!(error instanceof TrellisError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('valid quick inputs round-trip: six ratings and a note after --', () => {
    const note = fc.string({ unit: 'binary', maxLength: 300 });
    fc.assert(
      fc.property(fc.array(ratingToken, { minLength: 6, maxLength: 6 }), note, (tokens, text) => {
        fc.pre(tokens.some((x) => x !== '-'));
        const parsed = parseQuickSelfCheck(`${tokens.join(' ')} -- ${text}`);
        const expected: Ratings = {};
        BEHAVIOUR_KEYS.forEach((key, i) => {
          if (tokens[i] !== '-') expected[key] = Number(tokens[i]) as 1;
        });
        expect(parsed.ratings).toEqual(expected);
        expect(parsed.note).toBe(cleanText(text) === '' ? null : cleanText(text));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['without encryption', () => plainTextCipher],
    ['with encryption', () => createTextCipher(newKey())],
  ])('the store returns any text exactly as it was given, %s', (_, makeCipher) => {
    const { file, cleanup } = tempDbFile();
    const db = openDatabase(file);
    const repos = createRepositories(db, () => new Date('2026-11-24T09:00:00Z'), makeCipher());
    const coach = repos.coaches.upsert(ana, testSettings({ promptDays: [1] }));
    try {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 500 }), (text) => {
          const { check } = repos.selfChecks.add({
            coachId: coach.id,
            checkedAt: '2026-11-24T09:00:00Z',
            localDate: '2026-11-24',
            ratings: { context: 3 },
            note: text,
          });
          const { reflection } = repos.reflections.add({
            coachId: coach.id,
            promptIssueId: null,
            promptId: null,
            text,
            createdAt: '2026-11-24T09:00:00Z',
            localDate: '2026-11-24',
          });
          expect(check.note).toBe(text);
          expect(reflection.text).toBe(text);
          expect(repos.selfChecks.recent(coach.id, 1)[0].note).toBe(text);
          expect(repos.reflections.recent(coach.id, 1)[0].text).toBe(text);
        }),
        { numRuns: 300 },
      );
    } finally {
      db.close();
      cleanup();
    }
  });
});
