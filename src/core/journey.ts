import { z } from 'zod';
import { logMessage, monthsBefore, parseLevel, targetCredential } from './credential-log';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach, CoachRef } from './model';
import { PLATFORMS } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { NOTE_NOT_SHOWN } from './privacy-notice';
import type { Prompt } from './prompt-schema';
import type { PromptCatalog } from './prompts';
import { MARKER_IDS, type MarkerId, marker, markerBehaviour, REQUIREMENTS, RUBRIC } from './rubric';
import {
  CLIENT_CODE_WHY,
  codeLooksLikeName,
  OBSERVATION_LABELS,
  parseAfterSession,
  parseMentoring,
  parseQuickSession,
  type SessionInput,
} from './session-input';
import type { ClientSession, MarkerRating, Observation } from './sessions';
import { localDate } from './time';

/**
 * The credential journey, part 1 (issue #15): a coach logs client sessions (with an optional look at PCC markers
 * 4.1-4.4 and one question for the weakest), mentor-coaching hours, and sees their log against a credential's
 * requirements. A booking tool's session-ended hook brings the form to the coach's DM a few minutes after a session.
 */

export interface JourneyDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
}

/** What a form opens with: from a session-ended event (its id, minutes, client code, date) or nothing. */
export interface SessionPrefill {
  eventId?: number;
  date?: string;
  minutes?: number;
  clientCode?: string;
}

/** The subcommands of /selfcheck this module answers. */
export const JOURNEY_SUBCOMMANDS = new Set(['session', 'log', 'mentoring']);

/** The session-ended hook's body (POST /hooks/session-ended). */
export const sessionEndedSchema = z
  .object({
    coach: z.string().min(3).max(320),
    endedAt: z.iso.datetime({ offset: true }),
    minutes: z.number().int().min(1).max(600).optional(),
    clientCode: z.string().min(1).max(24).optional(),
    id: z.string().min(1).max(200).optional(),
  })
  .strict();
export type SessionEnded = z.infer<typeof sessionEndedSchema>;

export type SessionEndedResult =
  | { status: 'scheduled'; eventId: number; coach: Coach; dueAt: string }
  | { status: 'duplicate'; eventId: number }
  | { status: 'off'; eventId: number };

/**
 * An email a platform reported, checked before it is kept. Built once: a zod schema built per call (this runs on
 * every request that carries a profile) cost about a tenth of a quick check-in's CPU.
 */
const EMAIL = z.email().max(320);

const ORDER: Record<Observation, number> = { not_observed: 0, partly: 1, observed: 2 };

/** The marker rated lowest (not observed, then partly, then observed); the first in order on a tie. */
export function weakestMarker(ratings: readonly MarkerRating[]): MarkerId | undefined {
  let weakest: MarkerRating | undefined;
  for (const r of ratings) if (!weakest || ORDER[r.observed] < ORDER[weakest.observed]) weakest = r;
  return weakest?.marker;
}

/** A prompt's markers, read leniently: the `markers` tag when the prompt data carries one, else nothing. */
const markerTags = z.looseObject({ markers: z.array(z.string()).optional() });

/** The prompts for a marker: those tagged with it when any are, else those of the marker's behaviour. */
export function promptsForMarker(catalog: PromptCatalog, id: MarkerId): Prompt[] {
  const tagged = catalog.prompts.filter((p) => markerTags.safeParse(p).data?.markers?.includes(id));
  if (tagged.length > 0) return tagged;
  const behaviour = markerBehaviour(id);
  return catalog.prompts.filter((p) => p.kind === 'reflect' && p.behaviours.includes(behaviour));
}

export class Journey {
  constructor(
    private readonly deps: JourneyDeps,
    private readonly coachOf: (ref: CoachRef, ctx?: { timeZone?: string; displayName?: string }) => Coach,
  ) {}

  private today(coach: Coach): string {
    return localDate(this.deps.clock.now(), coach.settings.timeZone);
  }

  /** `/selfcheck session …`, `log …`, `mentoring …`: a reply, or the form to open (a bare "session"). */
  run(
    ref: CoachRef,
    sub: string,
    args: string,
    ctx: { requestKey?: string; timeZone?: string; displayName?: string } = {},
  ): { form: SessionPrefill } | { message: Message } {
    const coach = this.coachOf(ref, ctx);
    if (sub === 'session') {
      if (args.trim() === '') return { form: {} };
      const input = parseQuickSession(args, this.today(coach));
      return { message: this.record(coach, input, ctx.requestKey).reply };
    }
    if (sub === 'mentoring') return { message: this.mentoring(coach, args, ctx.requestKey) };
    const level = args.trim() === '' ? undefined : parseLevel(args);
    if (args.trim() !== '' && !level)
      throw new TrellisError('invalid_session', 'Name a credential: /selfcheck log ACC, PCC or MCC.');
    return { message: this.log(coach, level) };
  }

  /** The coaching log against the target credential. */
  log(coach: Coach, explicit?: ReturnType<typeof parseLevel>): Message {
    const target = targetCredential(coach, explicit);
    const today = this.today(coach);
    const { journey } = this.deps.repos;
    const recentFrom = monthsBefore(today, REQUIREMENTS.credentials[target].recentMonths);
    return logMessage({
      target,
      totals: journey.totals(coach.id, recentFrom),
      mentoring: journey.mentoring(coach.id),
      today,
    });
  }

  recordSession(ref: CoachRef, input: SessionInput, ctx: { requestKey?: string; timeZone?: string } = {}) {
    return this.record(this.coachOf(ref, ctx), input, ctx.requestKey);
  }

  private record(
    coach: Coach,
    input: SessionInput,
    requestKey?: string,
  ): { session: ClientSession; created: boolean; reply: Message } {
    const { repos, catalog } = this.deps;
    const weakest = input.ratings.length ? weakestMarker(input.ratings) : undefined;
    const candidates = weakest ? promptsForMarker(catalog, weakest) : [];
    const now = this.deps.clock.now().toISOString();
    // One transaction: the session and every marker rating, or nothing.
    const result = repos.transaction(() => {
      const count = repos.journey.totals(coach.id, '9999-12-31').sessions;
      const question = candidates.length ? candidates[count % candidates.length] : undefined;
      return repos.journey.addSession(
        {
          coachId: coach.id,
          date: input.date,
          minutes: input.minutes,
          paid: input.paid,
          participants: input.participants,
          clientCode: input.clientCode,
          rubricVersion: RUBRIC.version,
          questionPromptId: question?.id ?? null,
          createdAt: now,
          requestKey,
        },
        input.ratings,
      );
    });
    this.deps.log.info('client session logged', {
      coach: coach.id,
      sessionId: result.session.id,
      created: result.created,
      markers: input.ratings.length,
    });
    return { ...result, reply: this.acknowledgement(result.session, weakest) };
  }

  private acknowledgement(session: ClientSession, weakest?: MarkerId): Message {
    const kind = session.participants > 1 ? `group of ${session.participants}` : 'individual';
    const lines = [
      `Session ${session.id} logged: ${session.date} · ${session.minutes} min · ${session.paid ? 'paid' : 'pro bono'} · ${kind} · client ${session.clientCode}.`,
    ];
    if (codeLooksLikeName(session.clientCode)) {
      lines.push(
        `That client code looks like it could be a name. ${CLIENT_CODE_WHY} If it is one, log the next session with a code instead.`,
      );
    }
    if (session.ratings.length) {
      lines.push(
        `Markers (rubric ${session.rubricVersion}): ${session.ratings.map((r) => `${r.marker} ${OBSERVATION_LABELS[r.observed]}${r.evidence ? ' (evidence saved)' : ''}`).join(' · ')}`,
      );
    }
    const question = session.questionPromptId
      ? this.deps.catalog.prompts.find((p) => p.id === session.questionPromptId)
      : undefined;
    if (question && weakest) {
      lines.push(`*A question about this session* (marker ${weakest}, ${marker(weakest).short}): ${question.text}`);
    }
    return message(lines, {
      title: 'Session logged',
      footer: `Evidence lines are kept like your notes: ${NOTE_NOT_SHOWN.toLowerCase()} See your hours: /selfcheck log`,
    });
  }

  private mentoring(coach: Coach, args: string, requestKey?: string): Message {
    const input = parseMentoring(args, this.today(coach));
    const { log } = this.deps.repos.journey.addMentoring({
      coachId: coach.id,
      date: input.date,
      minutes: input.minutes,
      groupSize: input.groupSize,
      mentorName: input.mentorName,
      createdAt: this.deps.clock.now().toISOString(),
      requestKey,
    });
    this.deps.log.info('mentor coaching logged', { coach: coach.id, logId: log.id });
    const kind = log.groupSize === 1 ? 'one-to-one' : `group of ${log.groupSize}`;
    const lines = [`Mentor coaching logged: ${log.date} · ${log.minutes} min · ${kind}.`];
    const max = REQUIREMENTS.mentoring.maxGroupSize;
    if (log.groupSize > max)
      lines.push(`A group of more than ${max} does not count toward ICF's mentor-coaching hours.`);
    return message(lines, { footer: 'See where you stand: /selfcheck log' });
  }

  /** `settings after-session 10m|off`; without a value, shows it. */
  afterSessionSetting(ref: CoachRef, args: string, ctx: { timeZone?: string } = {}): Message {
    const coach = this.coachOf(ref, ctx);
    const { journey } = this.deps.repos;
    if (args.trim() !== '') journey.setAfterSessionMinutes(coach.id, parseAfterSession(args));
    const minutes = journey.afterSessionMinutes(coach.id);
    return message(
      minutes === null
        ? 'After-session forms are off: a session-ended event from your booking tool sends nothing. Turn them on with "settings after-session 10m".'
        : `After a session ends, the after-session form comes ${minutes === 0 ? 'at once' : `${minutes} minutes later`} ("settings after-session off" to stop).`,
    );
  }

  /** Keeps the email a platform reported (checked first; a malformed one is ignored). */
  rememberEmail(coachId: number, email: string): void {
    if (EMAIL.safeParse(email).success) this.deps.repos.journey.rememberEmail(coachId, email);
  }

  /** The coach a hook names: "platform:tenant:user", or an email a platform reported for them. */
  findCoach(who: string): Coach | undefined {
    const { coaches, journey } = this.deps.repos;
    const parts = who.split(':');
    if (parts.length >= 3 && (PLATFORMS as readonly string[]).includes(parts[0])) {
      const [platform, tenant, ...user] = parts;
      return coaches.find({ platform: platform as CoachRef['platform'], tenant, user: user.join(':') });
    }
    if (!who.includes('@')) return undefined;
    const ids = journey.coachesByEmail(who);
    // An email two coaches share (the same person on two platforms) is ambiguous: the hook names one instead.
    return ids.length === 1 ? coaches.byId(ids[0]) : undefined;
  }

  /**
   * A session ended (the hook): recorded once per coach and key, and the after-session form scheduled through
   * `schedule` (the outbox) in the same transaction. Throws unknown_coach when nobody matches.
   */
  sessionEnded(
    event: SessionEnded,
    schedule: (coach: Coach, eventId: number, dueAt: string) => void,
  ): SessionEndedResult {
    const coach = this.findCoach(event.coach);
    if (!coach) {
      throw new TrellisError(
        'unknown_coach',
        'No coach matches "coach": give platform:tenant:user, or an email the coach\'s platform reported to Trellis.',
      );
    }
    if (coach.platform === 'console')
      throw new TrellisError('invalid_session', 'That coach uses the terminal chat, which Trellis cannot message.');
    const { repos } = this.deps;
    const endedAt = new Date(event.endedAt).toISOString();
    return repos.transaction(() => {
      const { event: stored, created } = repos.journey.recordEndEvent({
        coachId: coach.id,
        dedupeKey: event.id ? `id:${event.id}` : `ended:${endedAt}`,
        endedAt,
        minutes: event.minutes ?? null,
        clientCode: event.clientCode ?? null,
        receivedAt: this.deps.clock.now().toISOString(),
      });
      if (!created) return { status: 'duplicate' as const, eventId: stored.id };
      const delay = repos.journey.afterSessionMinutes(coach.id);
      if (delay === null) return { status: 'off' as const, eventId: stored.id };
      const due = new Date(Math.max(Date.parse(endedAt) + delay * 60_000, this.deps.clock.now().getTime()));
      schedule(coach, stored.id, due.toISOString());
      return { status: 'scheduled' as const, eventId: stored.id, coach, dueAt: due.toISOString() };
    });
  }

  /** The DM an after-session delivery sends: undefined when the event is gone or the coach turned the form off. */
  afterSessionMessage(coach: Coach, eventId: number): Message | undefined {
    const { journey } = this.deps.repos;
    const event = journey.endEvent(eventId);
    if (!event || event.coachId !== coach.id || journey.afterSessionMinutes(coach.id) === null) return undefined;
    const about = [
      event.minutes ? `${event.minutes} min` : undefined,
      event.clientCode ? `client ${event.clientCode}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return message(
      [
        `Your session${about ? ` (${about})` : ''} has ended. Log it for your ICF coaching log and, if you like, note which of markers ${MARKER_IDS.join(', ')} you noticed: under two minutes.`,
      ],
      {
        title: 'After your session',
        buttons: [{ action: 'open_session', label: 'Log this session', value: `e${eventId}`, style: 'primary' }],
        footer: 'Typed instead: /selfcheck session 60 paid C17 · "settings after-session off" stops these.',
      },
    );
  }

  /** What the form opens with for a button's value ("e<event id>"). */
  prefill(ref: CoachRef, value: string | undefined): SessionPrefill {
    const m = /^e(\d{1,12})$/.exec(value ?? '');
    if (!m) return {};
    const coach = this.deps.repos.coaches.find(ref);
    const event = coach ? this.deps.repos.journey.endEvent(Number(m[1])) : undefined;
    if (!coach || !event || event.coachId !== coach.id) return {};
    return {
      eventId: event.id,
      date: localDate(new Date(event.endedAt), coach.settings.timeZone),
      minutes: event.minutes ?? undefined,
      clientCode: event.clientCode ?? undefined,
    };
  }
}
