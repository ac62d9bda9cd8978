import { buildDigest, type Digest, type DigestWeek } from './digest';
import { figuresFrom } from './group-figures';
import type { Group } from './groups';
import type { Repositories } from './ports';
import type { PromptCatalog } from './prompts';
import { localTimeToUtc } from './schedule';
import { addDays, localDate, weekStart } from './time';

export interface DigestDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  /** Fewest members before a figure is shown (never below MIN_GROUP_SIZE_FLOOR). */
  minGroupSize: number;
}

/** Published weeks the builder reads: the reported one and the seven the chart draws before it. */
const HISTORY_WEEKS = 8;

/** closedWeek's answers by time zone and instant (bounded). */
const closedWeeks = new Map<string, { weekStart: string; closeAt: Date }>();

/**
 * Peer-supervision digests. A digest reports the last closed week (Monday to Sunday in the group's time zone) before
 * its moment. The first build for posting publishes that week's figures; every later build of the week reads them
 * back, so a join, leave, late check-in or deletion never changes a figure once shown. Shared reflections are read
 * live, so a reflection whose coach deleted it no longer appears.
 */
export class DigestService {
  constructor(private readonly deps: DigestDeps) {}

  /** The week a digest at `now` reports on (its Monday) and the instant that week closed. */
  static closedWeek(group: Group, now: Date): { weekStart: string; closeAt: Date } {
    // A weekly run asks this for every group at the same instant, and groups share a few time zones.
    const key = `${group.timeZone}|${now.getTime()}`;
    let week = closedWeeks.get(key);
    if (week === undefined) {
      const thisMonday = weekStart(localDate(now, group.timeZone));
      week = { weekStart: addDays(thisMonday, -7), closeAt: localTimeToUtc(thisMonday, '00:00', group.timeZone) };
      if (closedWeeks.size >= 1000) closedWeeks.clear();
      closedWeeks.set(key, week);
    }
    return { weekStart: week.weekStart, closeAt: new Date(week.closeAt.getTime()) };
  }

  /**
   * The digest for `now`. `publish`: the delivery's build, which stores the week's figures when they are not yet
   * stored. Otherwise a stored week is read and an unpublished one is only previewed (nothing stored).
   */
  build(group: Group, now: Date, publish: boolean): Digest {
    const { repos, catalog, minGroupSize } = this.deps;
    const { weekStart: reported, closeAt } = DigestService.closedWeek(group, now);
    // The reported week (when published) and the seven before it, in one read.
    const read = repos.groupDigests.upTo(group.id, reported, HISTORY_WEEKS);
    let stored = read[0]?.weekStart === reported ? read[0] : undefined;
    const published = stored ? read.slice(1) : read.slice(0, HISTORY_WEEKS - 1);
    let week: DigestWeek | undefined = stored;
    if (!week) {
      const shares = repos.weeklyStats.groupWeekShares(group.id, reported, addDays(reported, 6), closeAt.toISOString());
      const figures = figuresFrom(shares, minGroupSize);
      if (publish) stored = repos.groupDigests.publish(group.id, reported, now.toISOString(), figures);
      week = stored ?? { weekStart: reported, figures };
    }
    const earlier = published.map((p) => ({ weekStart: p.weekStart, figures: p.figures }));
    // Shared since the publication before this one, up to this one: each shared reflection appears in exactly one
    // digest, however the schedule moved. Before any publication, the seven days before.
    const sharedUntil = stored?.publishedAt ?? now.toISOString();
    const sharedSince = published[0]?.publishedAt ?? new Date(Date.parse(sharedUntil) - 7 * 86_400_000).toISOString();
    const shared = repos.sharedReflections
      .between(group.id, sharedSince, sharedUntil)
      .map((s) => repos.reflections.byId(s.reflectionId))
      .filter((r) => r !== undefined)
      .map((r) => ({ promptId: r.promptId, text: r.text }));
    return buildDigest({
      groupName: group.name,
      week: { weekStart: week.weekStart, figures: week.figures },
      published: stored !== undefined,
      earlier,
      shared,
      minGroupSize,
      catalog,
    });
  }

  /**
   * The delivery's digest for its scheduled instant `now`, or undefined when another delivery already published
   * the week it reports (the owner moved the schedule mid-week): one digest per closed week. A retry of the
   * publishing delivery has the same instant, so it builds the same digest again.
   */
  forDelivery(group: Group, now: Date): Digest | undefined {
    const already = this.deps.repos.groupDigests.get(group.id, DigestService.closedWeek(group, now).weekStart);
    if (already && Date.parse(already.publishedAt) !== now.getTime()) return undefined;
    return this.build(group, now, true);
  }

  /** The last published digest as it was posted (shared reflections still read live), or undefined before the first. */
  lastPublished(group: Group): Digest | undefined {
    const latest = this.deps.repos.groupDigests.latest(group.id);
    return latest ? this.build(group, new Date(latest.publishedAt), false) : undefined;
  }
}
