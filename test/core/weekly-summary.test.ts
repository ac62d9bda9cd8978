import { behaviour } from '../../src/core/behaviours';
import { toPlainText } from '../../src/core/message';
import { LEVEL_REACH } from '../../src/core/prompts';
import { summaryMessage } from '../../src/core/summary';
import { addDays } from '../../src/core/time';
import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { addCheck, addReflection, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

// Monday 4 January 2027, 09:00 UTC: the summary reports on the week of 28 Dec 2026 – 3 Jan 2027.
const NOW = '2027-01-04T09:00:00Z';
const REPORT = '2026-12-28';

function setUp(level?: 'ACC' | 'PCC' | 'MCC') {
  const t = makeWeeklyTrellis(NOW, { charts: false });
  const coach = t.trellis.coach(slackRef('U1'));
  if (level) t.trellis.changeSettings(slackRef('U1'), `level ${level}`);
  // Four weeks before: everything at 3, feelings at 4.
  for (let w = 1; w <= 4; w++) {
    addCheck(t.repos, coach, addDays(REPORT, -7 * w + 2), { ...ratings(3), feelings: 4 });
  }
  return { t, coach };
}

describe('weekly summary for a coach', () => {
  test('means, change with arrow, sparkline, counts and streak, focus on the steepest fall', async () => {
    const { t, coach } = setUp();
    try {
      addCheck(t.repos, coach, '2026-12-29', { ...ratings(4), feelings: 2, empathy: 3 });
      addCheck(t.repos, coach, '2027-01-02', { ...ratings(4), feelings: 3, empathy: 3 }); // Saturday, new year
      addReflection(t.repos, coach, '2026-12-31', 'Noticed I rushed past a pause.');
      addCheck(t.repos, coach, '2027-01-04', ratings(1)); // this Monday: next week's, not in this summary
      const message = await t.trellis.weeklySummaryFor(coach.id, new Date(NOW));
      expect(message).toBeDefined();
      const text = toPlainText(message!);
      expect(message!.title).toBe('Your week: 28 Dec 2026 – 3 Jan 2027');
      expect(text).toContain('Week of 28 Dec 2026 – 3 Jan 2027 (last week).');
      // The streak runs up to today, as `trend` counts it: this Monday's check-in is a sixth week.
      expect(text).toContain('2 self-checks and 1 reflection last week; streak 6 weeks.');
      const rows = message!.preformatted!;
      expect(rows.find((r) => r.startsWith('Context'))).toBe('Context     4.0     3.0  ↑ +1.0  ···▅▅▅▅▆');
      expect(rows.find((r) => r.startsWith('Feelings'))).toBe('Feelings    2.5     4.0  ↓ −1.5  ···▆▆▆▆▄');
      expect(rows.find((r) => r.startsWith('Empathy'))).toBe('Empathy     3.0     3.0  → ±0.0  ···▅▅▅▅▅');
      // Falling fastest beats lowest: feelings fell 1.5.
      expect(text).toContain('Focus for next week: Feelings (down 1.5 on the four weeks before)');
      expect(text).toMatch(/Most improved: (Context|Respect|Talents|Openness)\*?, up 1\.0/);
      const summary = t.trellis.weekly.summaryData(coach.id, new Date(NOW))!;
      expect(summary.focus?.key).toBe('feelings');
      expect(summary.focus?.tip?.behaviours).toContain('feelings');
      expect(summary.focus?.prompt?.behaviours).toContain('feelings');
      expect(text).toContain(summary.focus!.tip!.text);
      expect(text).toContain(summary.focus!.prompt!.text);
      // The Slack rendering carries the same table.
      expect(JSON.stringify(renderBlocks(message!))).toContain('Feelings    2.5');
    } finally {
      t.close();
    }
  });

  test('without a fall, the focus is the lowest behaviour this week', () => {
    const { t, coach } = setUp();
    try {
      addCheck(t.repos, coach, '2026-12-30', { ...ratings(4), talents: 3, feelings: 4 });
      const summary = t.trellis.weekly.summaryData(coach.id, new Date(NOW))!;
      expect(summary.focus).toMatchObject({ key: 'talents', reason: 'lowest' });
      expect(summaryText(t, coach.id).lines.join('\n')).toContain(
        `Focus for next week: ${behaviour('talents').short}* (your lowest of the week, at 3.0)`,
      );
    } finally {
      t.close();
    }
  });

  test.each([
    ['ACC', 'do it on purpose'],
    ['PCC', 'an assessor would listen for in a recording'],
    ['MCC', 'attuned to lately'],
  ] as const)('the improvement line is worded for %s, and the prompt suits that level', (level, words) => {
    const { t, coach } = setUp(level);
    try {
      addCheck(t.repos, coach, '2026-12-30', { ...ratings(3), context: 5 });
      const message = summaryText(t, coach.id);
      expect(message.lines.join('\n')).toContain('Most improved: Context*, up 2.0');
      expect(message.lines.join('\n')).toContain(words);
      const prompt = t.trellis.weekly.summaryData(coach.id, new Date(NOW))?.focus?.prompt;
      expect(LEVEL_REACH[level]).toContain(prompt?.level);
      expect(message.lines.join('\n')).not.toMatch(/trust being built|consistency (PCC|an assessor)/);
    } finally {
      t.close();
    }
  });

  test('a week without check-ins gets a short kind nudge, not an empty table', async () => {
    const { t, coach } = setUp();
    try {
      addReflection(t.repos, coach, '2026-12-30', 'Wrote about silence.');
      const message = await t.trellis.weeklySummaryFor(coach.id, new Date(NOW));
      const text = toPlainText(message!);
      expect(text).toContain('No self-check last week, and that is fine');
      expect(text).toContain('You wrote 1 reflection; thank you.');
      expect(message!.preformatted).toBeUndefined();
      expect(message!.image).toBeUndefined();
      expect(message!.buttons?.[0].action).toBe('open_selfcheck');
      expect(renderFallbackText(message!)).not.toMatch(/\d\.\d/);
    } finally {
      t.close();
    }
  });

  test('a paused coach gets nothing; after the pause, a summary again', async () => {
    const { t, coach } = setUp();
    try {
      addCheck(t.repos, coach, '2026-12-30', ratings(4));
      t.trellis.changeSettings(slackRef('U1'), 'pause 2027-01-04');
      expect(await t.trellis.weeklySummaryFor(coach.id, new Date(NOW))).toBeUndefined();
      expect(t.trellis.weekly.allSummaries(new Date(NOW)).map((s) => s.coach.id)).not.toContain(coach.id);
      expect(await t.trellis.weeklySummaryFor(coach.id, new Date('2027-01-05T09:00:00Z'))).toBeDefined();
    } finally {
      t.close();
    }
  });

  test('the summary carries a chart image when a renderer is configured, and text that stands alone', async () => {
    const t = makeWeeklyTrellis(NOW);
    try {
      const coach = t.trellis.coach(slackRef('U1'));
      addCheck(t.repos, coach, '2026-12-30', ratings(4));
      const message = await t.trellis.weeklySummaryFor(coach.id, new Date(NOW));
      expect(message?.image?.filename).toBe('trellis-week-2026-12-28.png');
      expect(Buffer.from(message!.image!.png.subarray(1, 4)).toString('latin1')).toBe('PNG');
      expect(message?.image?.alt).toContain('six behaviours');
      const textOnly = await t.trellis.weeklySummaryFor(coach.id, new Date(NOW), { chart: false });
      expect(textOnly?.image).toBeUndefined();
      expect(textOnly?.preformatted).toEqual(message?.preformatted);
    } finally {
      t.close();
    }
  });
});

function summaryText(t: ReturnType<typeof makeWeeklyTrellis>, coachId: number) {
  return summaryMessage(t.trellis.weekly.summaryData(coachId, new Date(NOW))!);
}

describe('the summary’s "prompt to try" respects the coach’s practice and level (#14)', () => {
  test('a coach who named no practice never gets a practice-tagged prompt; one who did meets them', () => {
    const t = makeWeeklyTrellis(NOW, { charts: false });
    try {
      const seen: { practices: string[]; prompt?: { practices?: string[]; level: string } }[] = [];
      for (let i = 0; i < 40; i++) {
        const ref = slackRef(`U${i}`);
        const coach = t.trellis.coach(ref);
        const practices = i % 2 === 0 ? [] : ['organisational', 'private', 'internal', 'virtual'];
        if (practices.length) t.trellis.changeSettings(ref, `practice ${practices.join(',')}`);
        t.trellis.changeSettings(ref, 'level PCC');
        // Context is clearly lowest: the focus, and the behaviour with the most practice-tagged prompts.
        addCheck(t.repos, coach, '2026-12-30', { ...ratings(4), context: 1 });
        const summary = t.trellis.weekly.summaryData(coach.id, new Date(NOW));
        expect(summary?.focus?.key).toBe('context');
        seen.push({ practices, prompt: summary?.focus?.prompt });
      }
      // A coach who named their practice meets the prompts written for it (as the daily prompt does).
      expect(seen.some(({ practices, prompt }) => practices.length > 0 && prompt?.practices !== undefined)).toBe(true);
      for (const { practices, prompt } of seen) {
        expect(prompt).toBeDefined();
        expect(LEVEL_REACH.PCC).toContain(prompt?.level);
        const fits = prompt?.practices === undefined || prompt.practices.some((p) => practices.includes(p));
        expect({ practices, tagged: prompt?.practices, fits }).toEqual({
          practices,
          tagged: prompt?.practices,
          fits: true,
        });
      }
    } finally {
      t.close();
    }
  });
});
