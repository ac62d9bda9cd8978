import { toPlainText } from '../../src/core/message';
import { parsePractices } from '../../src/core/practice';
import { addCheck, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

describe('the welcome, once per coach', () => {
  test('recorded before it is returned: a second call, or another core on the same file, gets none', () => {
    const t = makeWeeklyTrellis('2026-12-02T08:00:00Z', { charts: false });
    try {
      const ref = slackRef('UONCE');
      expect(t.trellis.welcome.once(ref)).toBeUndefined(); // not registered: nothing, and nobody registered
      expect(t.trellis.knows(ref)).toBe(false);
      t.trellis.coach(ref, { timeZone: 'Europe/London' });
      const first = t.trellis.welcome.once(ref, { timeZone: 'Europe/London' });
      expect(first?.title).toBe('Welcome to Trellis');
      expect(toPlainText(first!)).toContain('Your first prompt: Wed 09:00 Europe/London');
      expect(toPlainText(first!)).toContain('as Slack reported it');
      expect(t.trellis.welcome.once(ref)).toBeUndefined();
      expect(t.repos.coaches.find(ref)?.welcomedAt).toBe('2026-12-02T08:00:00.000Z');
      expect(t.repos.coaches.markWelcomed(t.repos.coaches.find(ref)!.id, '2026-12-03T00:00:00Z')).toBe(false);
    } finally {
      t.close();
    }
  });

  test('its buttons: the level, "working toward" offers only higher credentials, practices toggle', () => {
    const t = makeWeeklyTrellis('2026-12-02T08:00:00Z', { charts: false });
    try {
      const ref = slackRef('UBUTTONS');
      t.trellis.coach(ref);
      const level = toPlainText(t.trellis.welcome.choose(ref, 'welcome_level', 'PCC'));
      expect(level).toContain('Level set to PCC.');
      expect(level).toContain('Your kind of practice?');
      const toward = t.trellis.welcome.choose(ref, 'welcome_level', 'toward');
      expect(toward.buttons?.map((b) => b.value)).toEqual(['MCC']);
      t.trellis.welcome.choose(ref, 'welcome_practice', 'virtual');
      t.trellis.welcome.choose(ref, 'welcome_practice', 'organisational');
      t.trellis.welcome.choose(ref, 'welcome_practice', 'virtual'); // pressed again: off
      expect(t.repos.coaches.find(ref)?.settings.practices).toEqual(['organisational']);
      expect(toPlainText(t.trellis.welcome.choose(ref, 'welcome_level', 'ACC; drop table'))).toContain(
        'not available any more',
      );
      t.trellis.confirmDelete(ref);
      expect(toPlainText(t.trellis.welcome.choose(ref, 'welcome_practice', 'private'))).toContain('holds nothing');
      expect(t.trellis.knows(ref)).toBe(false);
    } finally {
      t.close();
    }
  });

  test('practices by name, alias or number; an unknown word is not echoed', () => {
    expect(parsePractices('private, virtual')).toEqual(['private', 'virtual']);
    expect(parsePractices('4 1')).toEqual(['organisational', 'virtual']);
    expect(parsePractices('sponsored in-house')).toEqual(['organisational', 'internal']);
    expect(parsePractices('none')).toEqual([]);
    expect(() => parsePractices('private zebra-client')).toThrow(/not a kind of practice/);
    expect(() => parsePractices('private zebra-client')).not.toThrow(/zebra/);
  });
});

describe('weekly summaries and the week a coach joined', () => {
  test('no summary of a week that ended before joining; the first one says so; allSummaries agrees', () => {
    // Joined Wednesday 2 December 2026.
    const t = makeWeeklyTrellis('2026-12-02T08:00:00Z', { charts: false });
    try {
      const coach = t.trellis.coach(slackRef('UJOINED'));
      // Thursday: the summary would report last week (23–29 Nov), before the coach joined.
      t.clock.set('2026-12-03T09:00:00Z');
      expect(t.trellis.weekly.summaryData(coach.id, t.clock.now())).toBeUndefined();
      expect(t.trellis.weekly.allSummaries(t.clock.now()).map((s) => s.coach.id)).not.toContain(coach.id);
      // Monday 7 December: the week they joined, their first.
      addCheck(t.repos, coach, '2026-12-03', ratings(4));
      t.clock.set('2026-12-07T09:00:00Z');
      const first = t.trellis.weekly.summaryData(coach.id, t.clock.now())!;
      expect(first.first).toBe(true);
      expect(first.trend.weekStart).toBe('2026-11-30');
      // A week later: not the first any more.
      t.clock.set('2026-12-14T09:00:00Z');
      expect(t.trellis.weekly.summaryData(coach.id, t.clock.now())?.first).toBe(false);
    } finally {
      t.close();
    }
  });
});

describe('the practice a coach names reaches their daily prompt', () => {
  test('practice-tagged prompts go only to coaches whose practice fits', () => {
    const t = makeWeeklyTrellis('2026-12-02T08:00:00Z', { charts: false });
    try {
      const none = t.trellis.coach(slackRef('UNOPRACTICE'));
      const virtual = t.trellis.coach(slackRef('UVIRTUAL'));
      t.trellis.changeSettings(slackRef('UVIRTUAL'), 'practice virtual');
      const drawn = (coach: typeof none) => {
        const current = t.repos.coaches.byId(coach.id)!;
        return Array.from({ length: 150 }, (_, i) => {
          const date = new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10);
          return t.trellis.issuePrompt(current, date).prompt;
        });
      };
      expect(drawn(none).filter((p) => p.practices !== undefined)).toEqual([]);
      const tagged = drawn(virtual).filter((p) => p.practices !== undefined);
      expect(tagged.length).toBeGreaterThan(0);
      expect(tagged.every((p) => p.practices?.includes('virtual'))).toBe(true);
    } finally {
      t.close();
    }
  });
});
