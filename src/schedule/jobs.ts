import type { Coach, Platform } from '../core/model';
import type { Clock, CoachRepository, Logger, Messenger } from '../core/ports';
import { localTimeOf, planDue } from '../core/schedule';
import { addDays, localDate, weekStart } from '../core/time';
import type { DeliveryStore, NewDelivery } from '../store/deliveries';
import type { PlatformRateStore } from '../store/platform-rates';
import type { ScheduleStore } from '../store/schedule';
import {
  coachRecipient,
  PlatformSender,
  reaches,
  type SenderDeps,
  type SenderOptions,
  type SendSummary,
} from './delivery';
import { limiterOptions } from './learnt-rates';
import { isDatabaseLocked } from './lock-wait';
import { SteppedPlan } from './planning';
import { type ProducerRegistry, SNOOZE_MS } from './producers';
import type { RemovalSummary, Remover } from './removal';

/**
 * Plans deliveries that are not a coach's daily prompt (channel digests, for one): called every tick, returns
 * rows to write. Writing is idempotent (unique recipient, kind, local date), so returning a row twice is fine.
 */
export type DuePlanner = (now: Date) => NewDelivery[];

export interface SchedulerDeps {
  schedule: ScheduleStore;
  deliveries: DeliveryStore;
  coaches: Pick<CoachRepository, 'byId'>;
  producers: ProducerRegistry;
  messengers: Messenger[];
  clock: Clock;
  log: Logger;
  /** How late a missed prompt may still go out (Config.catchUpMinutes). */
  catchUpMinutes: number;
  sender?: Partial<SenderOptions>;
  /** A 'sending' row older than this belongs to a sender that died: its outcome is checked, then it is retried. */
  leaseMs?: number;
  planners?: DuePlanner[];
  random?: () => number;
  /** Drains the removal queue after each tick's sends (Trellis's messages a delete or retention queued). */
  removals?: Remover;
  /** Where each platform's learnt send rate is kept across restarts (src/schedule/learnt-rates.ts). */
  rates?: PlatformRateStore;
  /** The removal records of posted texts, written with each delivery's mark (SenderDeps.postedItems). */
  postedItems?: SenderDeps['postedItems'];
  /** The group commit the senders' claims and marks go through (SenderDeps.commits). */
  commits?: SenderDeps['commits'];
}

export interface PlanSummary {
  coaches: number;
  enqueued: number;
  missed: number;
}

export interface TickSummary extends PlanSummary {
  released: number;
  sent: Partial<Record<Platform, SendSummary>>;
  removed?: Partial<Record<Platform, RemovalSummary>>;
}

/** One line of `due --at`: a delivery that would go out. */
export interface DuePreview {
  coach: number;
  platform: Platform;
  tenant: string;
  user: string;
  kind: string;
  localDate: string;
  localTime: string;
  dueUtc: string;
}

const BATCH = 100;
/**
 * Coaches planned per step while the senders run: a step holds the event loop for a few milliseconds, under the
 * spacing of a few sends, so sends paced 2% under a platform's limit are not held back into one window.
 */
const PLAN_STEP = 25;
/**
 * Longer than any one attempt (the Slack client gives each call up to 60 s, and an attempt makes a few: a lookup,
 * the post, a chart's upload), so a live sender's claim is never taken over; short against the catch-up window.
 */
export const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * The scheduler's jobs, driven by a clock: `runDue(now)` plans what is due into the outbox and sends it.
 * The cron wiring (cron.ts) only calls `runDue` once a minute.
 */
export class Scheduler {
  private readonly senders = new Map<Platform, PlatformSender>();
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    for (const messenger of deps.messengers) {
      this.senders.set(
        messenger.platform,
        new PlatformSender(
          messenger,
          {
            deliveries: deps.deliveries,
            schedule: deps.schedule,
            coaches: deps.coaches,
            producers: deps.producers,
            clock: deps.clock,
            log: deps.log,
            random: deps.random,
            postedItems: deps.postedItems,
            commits: deps.commits,
          },
          {
            catchUpMs: deps.catchUpMinutes * 60_000,
            ...deps.sender,
            limiter: limiterOptions(deps, messenger.platform),
          },
        ),
      );
    }
  }

  get platforms(): Platform[] {
    return [...this.senders.keys()];
  }

  sender(platform: Platform): PlatformSender | undefined {
    return this.senders.get(platform);
  }

  /**
   * Plans what is due at `now` into the outbox and sends every ready delivery. The senders start after the first
   * planning step, and planning and sending take turns on the event loop (planning.ts): a fan-out to thousands
   * does not wait for the whole plan before its first send.
   */
  async runDue(now: Date = this.deps.clock.now()): Promise<TickSummary> {
    const leaseStart = new Date(now.getTime() - (this.deps.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
    const released = this.whileLocked('releasing', () => this.deps.deliveries.releaseAbandoned(leaseStart)) ?? 0;
    if (released) this.deps.log.warn('deliveries abandoned mid-send: checking before retrying', { released });
    // Another process holding the database fails a planning step at once (the serving busy timeout): each step is
    // one transaction, so nothing is half-planned; the next tick plans the rest. The sends wait for the lock.
    const planning = new SteppedPlan((summary) => this.planSteps(now, PLAN_STEP, summary), {
      log: this.deps.log,
      stopped: () => this.stopped,
    });
    const sent: TickSummary['sent'] = {};
    if (!this.stopped) {
      const results = await Promise.all(
        [...this.senders.values()].map(async (s) => [s.platform, await planning.alongside(() => s.run())] as const),
      );
      for (const [platform, summary] of results) sent[platform] = summary;
    }
    const plan = await planning.done();
    const removed = this.stopped ? undefined : await this.removeQueued();
    return { ...plan, released, sent, ...(removed ? { removed } : {}) };
  }

  /** `work`, or undefined (logged) when another process holds the database: the next tick does it. */
  private whileLocked<T>(what: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      if (!isDatabaseLocked(error)) throw error;
      this.deps.log.warn('database locked by another process: the next tick tries again', { step: what });
      return undefined;
    }
  }

  /** The removal queue's turn; a lock another process holds leaves it (claimed rows to their lease) to a later tick. */
  private async removeQueued(): Promise<Partial<Record<Platform, RemovalSummary>> | undefined> {
    try {
      return await this.deps.removals?.run();
    } catch (error) {
      if (!isDatabaseLocked(error)) throw error;
      this.deps.log.warn('database locked by another process: the next tick tries again', { step: 'removals' });
      return undefined;
    }
  }

  /**
   * Writes an outbox row for every coach whose next due instant has passed and moves that instant on.
   * Each batch is one IMMEDIATE transaction, so two processes planning at once never both plan the same coach
   * from stale settings; the unique key makes a second plan of the same prompt a no-op anyway.
   */
  planDue(now: Date): PlanSummary {
    const summary: PlanSummary = { coaches: 0, enqueued: 0, missed: 0 };
    for (const steps = this.planSteps(now, BATCH, summary); !steps.next().done; );
    return summary;
  }

  /**
   * `planDue` in steps, into `summary`: it yields after each committed transaction of at most `batch` coaches, so
   * a caller can let the sends run between steps (planning.ts).
   */
  *planSteps(now: Date, batch: number, summary: PlanSummary): Generator<void, void> {
    const { schedule, deliveries, producers, catchUpMinutes, log } = this.deps;
    const nowIso = now.toISOString();
    this.backfill(now);
    for (const [platform, sender] of this.senders) {
      for (;;) {
        const planned = schedule.immediate(() => {
          const due = schedule.dueCoaches(platform, nowIso, batch);
          for (const { coach } of due) {
            const plan = planDue(coach.settings, now, catchUpMinutes);
            // A coach this process cannot reach (another terminal's) has their schedule moved on, nothing sent.
            const reachable = reaches(sender.messenger, coach);
            if (plan.send && reachable) {
              const base = { recipient: coachRecipient(coach.id), coachId: coach.id, platform };
              const dueAt = plan.send.dueUtc.toISOString();
              if (deliveries.enqueue({ ...base, kind: 'prompt', localDate: plan.send.localDate, dueAt }, nowIso)) {
                summary.enqueued++;
              }
              // The weekly summary rides on the first prompt of the coach's week (Monday, by default).
              if (producers.has('weekly')) {
                const week = weekStart(plan.send.localDate);
                if (deliveries.enqueue({ ...base, kind: 'weekly', localDate: week, dueAt }, nowIso)) summary.enqueued++;
              }
            } else if (plan.missed && reachable) {
              summary.missed++;
              log.debug('prompt missed: older than the catch-up window, not sent', {
                coach: coach.id,
                localDate: plan.missed.localDate,
                catchUpMinutes,
              });
            }
            schedule.setNextDue(coach.id, plan.next?.dueUtc.toISOString() ?? null);
          }
          return due.length;
        });
        summary.coaches += planned;
        if (planned < batch) break;
        yield;
      }
    }
    if (summary.missed) {
      log.info('prompts missed: older than the catch-up window, not sent', { missed: summary.missed, catchUpMinutes });
    }
    summary.enqueued += this.planSnoozed(now);
    for (const planner of this.deps.planners ?? []) {
      for (const row of planner(now)) if (deliveries.enqueue(row, nowIso)) summary.enqueued++;
    }
  }

  /** A snoozed prompt comes back once, SNOOZE_MS later, if that is still the same local day. */
  private planSnoozed(now: Date): number {
    let enqueued = 0;
    const since = addDays(now.toISOString().slice(0, 10), -1);
    const back = new Date(now.getTime() + SNOOZE_MS);
    for (const { coach, issue } of this.deps.schedule.snoozedSince(since)) {
      const sender = this.senders.get(coach.platform);
      if (!sender || !reaches(sender.messenger, coach)) continue;
      const tz = coach.settings.timeZone;
      if (localDate(now, tz) !== issue.localDate || localDate(back, tz) !== issue.localDate) continue;
      const row: NewDelivery = {
        recipient: coachRecipient(coach.id),
        coachId: coach.id,
        platform: coach.platform,
        kind: 'snooze',
        localDate: issue.localDate,
        dueAt: back.toISOString(),
      };
      if (this.deps.deliveries.enqueue(row, now.toISOString())) enqueued++;
    }
    return enqueued;
  }

  /** Coaches from before the schedule existed get their next due instant. */
  private backfill(now: Date): void {
    const { schedule } = this.deps;
    for (;;) {
      const missing = schedule.missingNextDue(BATCH);
      if (missing.length === 0) return;
      let set = 0;
      schedule.immediate(() => {
        for (const coach of missing) {
          const next = planDue(coach.settings, now, 0).next;
          schedule.setNextDue(coach.id, next?.dueUtc.toISOString() ?? null);
          if (next) set++;
        }
      });
      if (set === 0 || missing.length < BATCH) return;
    }
  }

  /** What `runDue(at)` would send, without writing or sending anything. */
  preview(at: Date): DuePreview[] {
    const { schedule, deliveries, catchUpMinutes } = this.deps;
    const out: DuePreview[] = [];
    const platforms = this.senders.size ? [...this.senders.keys()] : (['slack', 'teams', 'console'] as Platform[]);
    for (const platform of platforms) {
      for (const { coach } of schedule.dueCoaches(platform, at.toISOString(), -1)) {
        const plan = planDue(coach.settings, at, catchUpMinutes);
        if (!plan.send) continue;
        if (deliveries.byKey(coachRecipient(coach.id), 'prompt', plan.send.localDate)) continue;
        out.push(previewLine(coach, 'prompt', plan.send.localDate, plan.send.dueUtc));
      }
    }
    return out;
  }

  /** Claims nothing new; resolves when the sends in flight have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.senders.values()].map((s) => s.stop()));
    await this.deps.removals?.stop();
  }
}

function previewLine(coach: Coach, kind: string, date: string, dueUtc: Date): DuePreview {
  return {
    coach: coach.id,
    platform: coach.platform,
    tenant: coach.tenant,
    user: coach.user,
    kind,
    localDate: date,
    localTime: localTimeOf(dueUtc, coach.settings.timeZone),
    dueUtc: dueUtc.toISOString(),
  };
}
