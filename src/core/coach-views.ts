/**
 * The coach's own views that must agree with each other: `trend` (also the App Home's), and `summary` (the same
 * figures as the weekly DM). Streaks come from one function (WeeklyService.streakFor → countStreak), dates from one
 * formatter (src/core/dates.ts), means from one computation (trendFromTotals).
 */
import { behaviour } from './behaviours';
import { formatDate, formatWeek } from './dates';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach } from './model';
import type { Repositories } from './ports';
import { isPaused, summaryMessage } from './summary';
import { addDays, localDate } from './time';
import { computeTrend, formatChange, formatMean } from './trends';
import type { SummaryWeek, WeeklyService } from './weekly';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `trend`: this week per behaviour, the change on the four weeks before, eight weeks of sparkline, the streak. */
export function trendMessage(repos: Repositories, weekly: WeeklyService, coach: Coach, today: string): Message {
  const checks = repos.selfChecks.between(coach.id, addDays(today, -7 * 8 - 7), today);
  if (checks.length === 0) return message('No self-checks yet, so no trend. Start with /selfcheck.');
  const trend = computeTrend(checks, today);
  const weeks = weekly.streakFor(coach.id, today);
  const rows = trend.behaviours.map(
    (b) =>
      `${behaviour(b.key).short.padEnd(9)} ${formatMean(b.thisWeek).padStart(3)}  ${formatChange(b.change).padEnd(7)} ${b.sparkline}`,
  );
  return message(
    [
      `Week of ${formatWeek(trend.weekStart)}, so far to ${formatDate(today)}: ${plural(trend.checkInsThisWeek, 'self-check')}, streak ${plural(weeks, 'week')}.`,
    ],
    {
      title: 'Your trend',
      preformatted: ['Behaviour  now  vs 4 wks  last 8 weeks', ...rows],
      footer: 'Means on the 1–5 scale; the change compares this week with the four weeks before.',
    },
  );
}

/** What `summary` may be followed by: nothing (the week the weekly DM reports), or "now" / "this week". */
export function summaryWeekOf(args: string): SummaryWeek {
  const text = args.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '' || text === 'last week') return 'report';
  if (text === 'now' || text === 'this week') return 'current';
  throw new TrellisError(
    'unknown_command',
    'Use "summary" for the last whole week, or "summary now" for this week so far.',
  );
}

/** `summary`, `summary now`: the weekly summary on demand, saying which week it shows. */
export function summaryCommand(weekly: WeeklyService, coach: Coach, now: Date, args: string): Message {
  const which = summaryWeekOf(args);
  const summary = weekly.summaryData(coach.id, now, which);
  if (summary) return summaryMessage(summary);
  const today = localDate(now, coach.settings.timeZone);
  if (isPaused(coach, today)) return message('You are paused, so there is no weekly summary for now.');
  const joined = formatDate(localDate(new Date(coach.createdAt), coach.settings.timeZone));
  return message(
    `You joined Trellis on ${joined}, after last week ended, so there is no summary of it. Type "summary now" for this week so far.`,
  );
}
