import { weeklyMentorLineFor } from './compare-flow';
import { type Digest, digestChart, digestMessage } from './digest';
import { DigestService } from './digests';
import type { Group } from './groups';
import type { Message } from './message';
import type { Coach } from './model';
import type { ChartRenderer, Repositories } from './ports';
import type { PromptCatalog } from './prompts';
import { isPaused, summaryChart, summaryFromTrend, summaryMessage, type WeeklySummary } from './summary';
import { addDays, localDate } from './time';
import { countStreak, reportWeekStart, trendFromWindow, weekNumber, weekStartOf } from './trends';
import { type CoachWindow, firstActiveWeek, reflectionsIn, windowStreak } from './week-window';

export interface WeeklyDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  /** Fewest members before a digest shows a group figure (never below 3). */
  minGroupSize: number;
  /** Draws charts; without it messages go out as text only. */
  charts?: ChartRenderer;
}

/** Weeks the summary reads: the 8 of the sparkline, which include the 4 before the reported week. */
const WINDOW_WEEKS = 8;
/** How far back a streak is counted. */
const MAX_STREAK_WEEKS = 520;

interface Plan {
  coach: Coach;
  today: string;
  reportWeek: string;
}

/** Which week a summary reports: the last whole one (`report`, Monday to Thursday last week) or the one so far. */
export type SummaryWeek = 'report' | 'current';

export interface SendOptions {
  /** Attach the chart image (default true when a renderer is configured). */
  chart?: boolean;
}

/**
 * Weekly summaries for coaches and digests for groups: the delivery seam. The scheduler's outbox calls
 * `weeklySummaryFor` (kind 'weekly') and `digestFor` (kind 'digest') and hands the message to a Messenger.
 */
export class WeeklyService {
  constructor(private readonly deps: WeeklyDeps) {}

  /**
   * The summary data for one coach, or undefined when the coach does not exist, paused, or the week ended before
   * they joined (and they have nothing from it).
   */
  summaryData(coachId: number, now: Date, week: SummaryWeek = 'report'): WeeklySummary | undefined {
    const coach = this.deps.repos.coaches.byId(coachId);
    if (!coach) return undefined;
    const summary = this.summariesFor([coach], now, coachId, week)[0]?.summary;
    if (!summary) return undefined;
    // One coach's summary (the weekly DM, `summary`): a line on the latest mentor rating of that week, if any.
    const weekEnd = addDays(summary.trend.weekStart, 6);
    const mentorLine = weeklyMentorLineFor(this.deps.repos, coach, summary.trend.weekStart, weekEnd);
    return mentorLine ? { ...summary, mentorLine } : summary;
  }

  /**
   * Weeks in a row with a self-check or a reflection, up to the week of `today` (a week just begun without one
   * does not break it): the one streak every view shows (trend, summary, App Home, the weekly DM).
   */
  streakFor(coachId: number, today: string): number {
    const stats = this.deps.repos.weeklyStats;
    const read = new Map<number, boolean>();
    // Read a window's worth of weeks at a time, only as far back as the streak goes.
    const isActive = (w: number): boolean => {
      const known = read.get(w);
      if (known !== undefined) return known;
      const from = w - WINDOW_WEEKS + 1;
      const active = stats.activeWeeks([coachId], weekStartOf(from), addDays(weekStartOf(w), 6)).get(coachId);
      for (let x = from; x <= w; x++) read.set(x, active?.has(x) ?? false);
      return active?.has(w) ?? false;
    };
    return countStreak(isActive, weekNumber(today), MAX_STREAK_WEEKS);
  }

  /** The message for a coach's weekly summary (with its chart), or undefined when nothing should be sent. */
  async weeklySummaryFor(coachId: number, now: Date, options: SendOptions = {}): Promise<Message | undefined> {
    const summary = this.summaryData(coachId, now);
    if (!summary) return undefined;
    const text = summaryMessage(summary);
    if (summary.kind === 'nudge') return text;
    return this.withChart(text, summaryChart(summary), options);
  }

  /**
   * Every coach's summary in one pass: one aggregate query over the 8-week window for all coaches, then
   * per-coach arithmetic in memory. Paused coaches are left out. No charts (those are drawn at send time).
   */
  allSummaries(now: Date): { coach: Coach; summary: WeeklySummary }[] {
    return this.summariesFor(this.deps.repos.weeklyStats.allCoaches(), now).filter(
      (s): s is { coach: Coach; summary: WeeklySummary } => s.summary !== undefined,
    );
  }

  private summariesFor(
    coaches: readonly Coach[],
    now: Date,
    onlyCoachId?: number,
    which: SummaryWeek = 'report',
  ): { coach: Coach; summary: WeeklySummary | undefined }[] {
    const { repos, catalog } = this.deps;
    const todayByZone = new Map<string, string>();
    const todayOf = (coach: Coach) => {
      let today = todayByZone.get(coach.settings.timeZone);
      if (today === undefined) {
        today = localDate(now, coach.settings.timeZone);
        todayByZone.set(coach.settings.timeZone, today);
      }
      return today;
    };
    const reportWeeks = new Map<string, string>();
    const reportWeekOf = (today: string) => {
      let week = reportWeeks.get(today);
      if (week === undefined) {
        week = which === 'current' ? weekStartOf(weekNumber(today)) : reportWeekStart(today);
        reportWeeks.set(today, week);
      }
      return week;
    };
    const plans: Plan[] = [];
    for (const coach of coaches) {
      const today = todayOf(coach);
      if (!isPaused(coach, today)) plans.push({ coach, today, reportWeek: reportWeekOf(today) });
    }
    if (plans.length === 0) return coaches.map((coach) => ({ coach, summary: undefined }));

    // Coaches in different zones may report on different weeks: read the span that covers them all, up to the
    // week of their today (the streak counts up to now).
    const weeks = plans.map((p) => weekNumber(p.reportWeek));
    const from = weekStartOf(Math.min(...weeks) - WINDOW_WEEKS + 1);
    const to = addDays(weekStartOf(Math.max(...plans.map((p) => weekNumber(p.today)))), 6);
    const fromWeek = weekNumber(from);
    // Coaches who registered together (an import, a demo seed) share the answer.
    const joinedWeeks = new Map<string, number>();
    const joinedWeekOf = (coach: Coach) => {
      const key = `${coach.settings.timeZone}|${coach.createdAt}`;
      let joined = joinedWeeks.get(key);
      if (joined === undefined) {
        joined = weekNumber(localDate(new Date(coach.createdAt), coach.settings.timeZone));
        joinedWeeks.set(key, joined);
      }
      return joined;
    };
    const summaries = new Map<number, WeeklySummary | undefined>();
    // Streaks that fill the window: counted further back once every summary is built (lookBack), then set on them.
    const longer: { coachId: number; count: number; week: number }[] = [];
    const summarise = (plan: Plan, window: CoachWindow) => {
      const { coach, today, reportWeek } = plan;
      const week = weekNumber(reportWeek);
      // No summary for a week that ended before the coach joined, unless they have something from it (or earlier).
      // A coach who joined days before the reported week began needs no time-zone arithmetic (the costly part).
      const joinedWeek =
        coach.createdAt.slice(0, 10) < weekStartOf(week - 1) ? Number.NEGATIVE_INFINITY : joinedWeekOf(coach);
      const firstActive = firstActiveWeek(window);
      if (week < joinedWeek && !(firstActive !== undefined && firstActive <= week)) {
        summaries.set(coach.id, undefined);
        return;
      }
      const streak = windowStreak(window, weekNumber(today), fromWeek);
      if (streak.reachesBack) longer.push({ coachId: coach.id, count: streak.count, week: fromWeek - 1 });
      const input = {
        coach,
        today,
        reportWeek,
        reflections: reflectionsIn(window, week),
        streak: streak.count,
        first: week === joinedWeek && !(firstActive !== undefined && firstActive < week),
        catalog,
      };
      summaries.set(coach.id, summaryFromTrend(input, trendFromWindow(window, week)));
    };
    // Coach by coach as the store folds them: one coach's window (reused) exists at a time.
    const planned = new Map(plans.map((p) => [p.coach.id, p]));
    for (const window of repos.weeklyStats.eachCoachWindow(from, to, onlyCoachId)) {
      const plan = planned.get(window.coachId);
      if (!plan) continue;
      planned.delete(plan.coach.id);
      summarise(plan, window);
    }
    const empty: CoachWindow = { coachId: 0, firstWeek: fromWeek, acc: new Float64Array(0) };
    for (const plan of planned.values()) summarise(plan, empty);
    if (longer.length > 0) {
      const streaks = new Map<number, number>();
      this.lookBack(longer, streaks);
      for (const [coachId, count] of streaks) {
        const summary = summaries.get(coachId);
        if (summary) summary.streak = count;
      }
    }
    return coaches.map((coach) => ({ coach, summary: summaries.get(coach.id) }));
  }

  /**
   * Streaks that filled the whole window, counted further back a window's worth of weeks at a time (`week` is the
   * next week to look at), for as long as every week of the last block was active. One query per block for every
   * coach still counting (grouped by the week they reached, which differs only across zones), not one per coach.
   */
  private lookBack(counting: { coachId: number; count: number; week: number }[], streaks: Map<number, number>): void {
    const stats = this.deps.repos.weeklyStats;
    let open = counting;
    while (open.length > 0) {
      const byWeek = new Map<number, typeof open>();
      for (const c of open) {
        const list = byWeek.get(c.week);
        if (list) list.push(c);
        else byWeek.set(c.week, [c]);
      }
      const next: typeof open = [];
      for (const [w, group] of byWeek) {
        const active = stats.activeWeeks(
          group.map((c) => c.coachId),
          weekStartOf(w - WINDOW_WEEKS + 1),
          addDays(weekStartOf(w), 6),
        );
        for (const c of group) {
          const weeks = active.get(c.coachId);
          const before = c.count;
          while (c.count < before + WINDOW_WEEKS && weeks?.has(c.week)) {
            c.count++;
            c.week--;
          }
          streaks.set(c.coachId, c.count);
          if (c.count === before + WINDOW_WEEKS && c.count < MAX_STREAK_WEEKS) next.push(c);
        }
      }
      open = next;
    }
  }

  private digestService?: DigestService;

  /** Digests: published weeks and previews (src/core/digests.ts). */
  get digests(): DigestService {
    this.digestService ??= new DigestService(this.deps);
    return this.digestService;
  }

  /** A preview of the digest for `now`: the published figures when that week is published; stores nothing. */
  digestData(group: Group, now: Date): Digest {
    return this.digests.build(group, now, false);
  }

  /**
   * The message for a group's weekly digest at `now` (its scheduled instant), publishing the week's figures the
   * first time; undefined when the group no longer exists or its week went out already (the delivery is then
   * skipped).
   */
  async digestFor(groupId: number, now: Date, options: SendOptions = {}): Promise<Message | undefined> {
    const group = this.deps.repos.groups.byId(groupId);
    const digest = group ? this.digests.forDelivery(group, now) : undefined;
    return digest ? this.digestMessageFor(digest, options) : undefined;
  }

  /** A digest as a message, with its chart when charts are on. */
  digestMessageFor(digest: Digest, options: SendOptions = {}): Promise<Message> {
    return this.withChart(digestMessage(digest), digestChart(digest), options);
  }

  /** Every registered group's digest preview, without charts or storing (for the benchmark and admin checks). */
  allDigests(now: Date): { group: Group; digest: Digest }[] {
    return this.deps.repos.groups.all().map((group) => ({ group, digest: this.digestData(group, now) }));
  }

  private async withChart(
    text: Message,
    chart: ReturnType<typeof summaryChart> | ReturnType<typeof digestChart> | undefined,
    options: SendOptions,
  ): Promise<Message> {
    const renderer = this.deps.charts;
    if (!chart || !renderer || options.chart === false) return text;
    const png = await renderer.renderPng(chart.data);
    return { ...text, image: { png, alt: chart.alt, filename: chart.filename } };
  }
}
