import { behaviour } from './behaviours';
import { type Message, message } from './message';
import type { Coach } from './model';
import type { Repositories } from './ports';
import { type PromptCatalog, promptById } from './prompts';
import { RUBRIC } from './rubric';
import { formatRatings } from './selfcheck';
import { addDays } from './time';
import { computeTrend, formatChange, formatMean, streak } from './trends';

/** The coach's views of their own record: `history` and `trend` (also the App Home tab). */

export interface HistoryDeps {
  repos: Repositories;
  catalog: PromptCatalog;
}

export function historyMessage(deps: HistoryDeps, coach: Coach, limit = 5): Message {
  const { repos, catalog } = deps;
  const checks = repos.selfChecks.recent(coach.id, limit);
  const reflections = repos.reflections.recent(coach.id, limit);
  if (checks.length === 0 && reflections.length === 0) {
    return message([
      'Nothing here yet. Try /selfcheck for a quick self-assessment, or "prompt" for a reflection question.',
    ]);
  }
  const lines: string[] = [];
  if (checks.length) {
    lines.push('*Recent self-checks*');
    for (const c of checks) lines.push(`${c.localDate}  ${formatRatings(c.ratings)}${c.note ? '  (note)' : ''}`);
  }
  if (reflections.length) {
    lines.push('*Recent reflections*');
    for (const r of reflections) {
      const prompt = r.promptId ? promptById(catalog, r.promptId) : undefined;
      const excerpt = r.text.length > 120 ? `${r.text.slice(0, 117)}…` : r.text;
      lines.push(
        `${r.localDate}  ${prompt ? `${prompt.behaviours.map((b) => behaviour(b).short).join('/')}: ` : ''}${excerpt}`,
      );
    }
  }
  // Which rubric the ratings were given under (src/core/rubric.ts): a later version's figures say so.
  const versions = [...new Set(checks.map((c) => c.rubricVersion ?? RUBRIC.version))].join(', ');
  return message(lines, { title: 'Your history', ...(checks.length ? { footer: `Ratings: rubric ${versions}` } : {}) });
}

export function trendMessage(deps: HistoryDeps, coach: Coach, today: string): Message {
  const { repos } = deps;
  const checks = repos.selfChecks.between(coach.id, addDays(today, -7 * 8 - 7), today);
  if (checks.length === 0) return message('No self-checks yet, so no trend. Start with /selfcheck.');
  const trend = computeTrend(checks, today);
  const reflections = repos.reflections.between(coach.id, addDays(today, -7 * 52), today);
  const weeks = streak([...checks.map((c) => c.localDate), ...reflections.map((r) => r.localDate)], today);
  const rows = trend.behaviours.map(
    (b) =>
      `${behaviour(b.key).short.padEnd(9)} ${formatMean(b.thisWeek).padStart(3)}  ${formatChange(b.change).padEnd(7)} ${b.sparkline}`,
  );
  return message(
    [
      `Week of ${trend.weekStart}: ${trend.checkInsThisWeek} self-check${trend.checkInsThisWeek === 1 ? '' : 's'}, streak ${weeks} week${weeks === 1 ? '' : 's'}.`,
    ],
    {
      title: 'Your trend',
      preformatted: ['Behaviour  now  vs 4 wks  last 8 weeks', ...rows],
      footer: 'Means on the 1–5 scale; the change compares this week with the four weeks before.',
    },
  );
}
