import { behaviour } from './behaviours';
import { formatDate } from './dates';
import { type Message, message } from './message';
import type { Coach } from './model';
import type { Repositories } from './ports';
import { type PromptCatalog, promptById } from './prompts';
import { RUBRIC } from './rubric';
import { formatRatings } from './selfcheck';

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
    for (const c of checks)
      lines.push(`${formatDate(c.localDate)}  ${formatRatings(c.ratings)}${c.note ? '  (note)' : ''}`);
  }
  if (reflections.length) {
    lines.push('*Recent reflections*');
    for (const r of reflections) {
      const prompt = r.promptId ? promptById(catalog, r.promptId) : undefined;
      const excerpt = r.text.length > 120 ? `${r.text.slice(0, 117)}…` : r.text;
      lines.push(
        `${formatDate(r.localDate)}  ${prompt ? `${prompt.behaviours.map((b) => behaviour(b).short).join('/')}: ` : ''}${excerpt}`,
      );
    }
  }
  // Which rubric the ratings were given under (src/core/rubric.ts): a later version's figures say so.
  const versions = [...new Set(checks.map((c) => c.rubricVersion ?? RUBRIC.version))].join(', ');
  return message(lines, { title: 'Your history', ...(checks.length ? { footer: `Ratings: rubric ${versions}` } : {}) });
}

/** `trend` lives with the other views that must agree with it (coach-views.ts: one streak, one date format). */
export { trendMessage } from './coach-views';
