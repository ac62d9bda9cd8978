import { historyMessage, trendMessage } from './history';
import { selfCheckResponse, tipForCoach } from './mentor-response';
import type { Message } from './message';
import type { Coach, CoachRef, SelfCheck } from './model';
import type { Clock, Logger, Repositories } from './ports';
import type { PromptCatalog } from './prompts';
import type { SelfCheckInput } from './selfcheck';
import { localDate } from './time';
import type { RequestContext } from './trellis';
import type { WeeklyService } from './weekly';

export interface CheckInDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
}

/** What check-ins need from the rest of the core (Trellis supplies it). */
export interface CheckInCore {
  coach(ref: CoachRef, ctx?: RequestContext): Coach;
  today(coach: Coach): string;
  /** The weekly figures the trend is drawn from (weekly.ts). */
  readonly weekly: WeeklyService;
}

/** Self-checks and what a coach sees of their own record: recording one, a tip on request, `history`, `trend`. */
export class CheckIns {
  constructor(
    private readonly deps: CheckInDeps,
    private readonly core: CheckInCore,
  ) {}

  recordSelfCheck(
    ref: CoachRef,
    input: SelfCheckInput,
    ctx: RequestContext = {},
  ): { check: SelfCheck; created: boolean; reply: Message } {
    const coach = this.core.coach(ref, ctx);
    const now = this.deps.clock.now();
    const { check, created } = this.deps.repos.selfChecks.add({
      coachId: coach.id,
      checkedAt: now.toISOString(),
      localDate: localDate(now, coach.settings.timeZone),
      ratings: input.ratings,
      note: input.note,
      requestKey: ctx.requestKey,
    });
    // Debug, not info: a JSON line per check-in cost a busy server ~7% of its CPU; the stored row is the record.
    this.deps.log.debug('self-check recorded', {
      coach: coach.id,
      checkId: check.id,
      created,
      rated: Object.keys(input.ratings).length,
      hasNote: input.note !== null,
    });
    return { check, created, reply: this.selfCheckAcknowledgement(coach, check) };
  }

  /** What a mentor would say back (see mentor-response.ts): a human word first, falls framed, a tip only if clear. */
  private selfCheckAcknowledgement(coach: Coach, check: SelfCheck): Message {
    const previous = this.deps.repos.selfChecks.previous(coach.id, check.id);
    return selfCheckResponse(this.deps.catalog, { check, previous, console: coach.platform === 'console' });
  }

  /** `tip [behaviour]`: a development tip on request (see mentor-response.ts). */
  tip(ref: CoachRef, args: string, ctx: RequestContext = {}): Message {
    const coach = this.core.coach(ref, ctx);
    return tipForCoach(this.deps, coach, args, this.core.today(coach));
  }

  /** `history`: the coach's recent self-checks and reflections, shortened (see history.ts). */
  history(ref: CoachRef, ctx: RequestContext = {}, limit = 5): Message {
    return historyMessage(this.deps, this.core.coach(ref, ctx), limit);
  }

  /** `trend`: per behaviour, this week's mean against the four before, and an 8-week sparkline (coach-views.ts). */
  trend(ref: CoachRef, ctx: RequestContext = {}): Message {
    const coach = this.core.coach(ref, ctx);
    return trendMessage(this.deps.repos, this.core.weekly, coach, this.core.today(coach));
  }
}
