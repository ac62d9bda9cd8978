import { TrellisError } from './errors';
import {
  parseMentorRating,
  parseSelfRating,
  type RatingFormFields,
  type SessionRatingInput,
  validateRatingForm,
} from './mentor-input';
import { nameOf, ratedMessage, reviewLines, sessionKind, sharedMessage } from './mentor-messages';
import type { MentorRelation, SharedSession } from './mentor-model';
import type { CoachOf, MentorDeps, Mentors } from './mentors';
import { type Message, message } from './message';
import type { Coach, CoachRef } from './model';
import { RUBRIC } from './rubric';
import { parseMentoring } from './session-input';
import { localDate } from './time';

/**
 * Sessions between a coach and their mentor (issue #15, part 2): the coach shares one (`share session N with
 * mentor`, audited by ids), optionally rates its six behaviours themself (`rate session N …`, rater 'self') so the
 * comparison is like for like; the mentor rates the behaviours and markers 4.1–4.4 with a comment (sealed), in one
 * transaction, and only while the relation is active. Mentor coaching either side logs is counted once.
 */

const fail = (text: string): never => {
  throw new TrellisError('invalid_session', text);
};

export const SHARE_USAGE =
  "Try: share session 12 with mentor (the number your log or the session's acknowledgement shows).";

export class MentorSessions {
  constructor(
    private readonly deps: MentorDeps,
    private readonly coachOf: CoachOf,
    private readonly mentors: Mentors,
  ) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private activeAsCoach(coach: Coach): MentorRelation[] {
    return this.deps.repos.mentors.relationsOf(coach.id).filter((r) => r.coachId === coach.id && r.status === 'active');
  }

  /** `share session N [with mentor]`. */
  share(ref: CoachRef, args: string, ctx: { timeZone?: string; displayName?: string } = {}): Message {
    const coach = this.coachOf(ref, ctx);
    const m = /^session\s+(\d{1,12})(?:\s+with\s+(?:my\s+|the\s+)?mentors?)?$/i.exec(args.trim());
    if (!m) return fail(SHARE_USAGE);
    const { repos } = this.deps;
    const session = repos.journey.session(coach.id, Number(m[1]));
    if (!session)
      return fail(
        `There is no session ${m[1]} in your log. "/selfcheck log" shows your hours; the acknowledgement of each session shows its number.`,
      );
    const relations = this.activeAsCoach(coach);
    if (relations.length === 0)
      return fail(
        'You have no mentor coach to share with yet: invite one with "mentor invite @name", and share once they accept.',
      );
    const at = this.now();
    const added = repos.transaction(() =>
      relations.filter((relation) => {
        const { share, created } = repos.mentors.share(session.id, relation.id, at);
        if (!created) return false;
        // Ids only: never the session's client code or evidence.
        repos.privacy.audit({
          at,
          coachId: coach.id,
          action: 'share',
          actor: 'coach',
          objectIds: { session: session.id, relation: relation.id, mentor: relation.mentorCoachId, share: share.id },
        });
        const mentor = repos.coaches.byId(relation.mentorCoachId);
        if (mentor) this.mentors.notify(mentor, `shared-s${share.id}`);
        return true;
      }),
    );
    this.deps.log.info('session shared with mentor', {
      coach: coach.id,
      sessionId: session.id,
      relations: added.length,
    });
    const names = relations
      .map((r) => repos.coaches.byId(r.mentorCoachId))
      .filter((c): c is Coach => c !== undefined)
      .map(nameOf);
    const lines = [
      added.length
        ? `Session ${session.id} (${session.date} · ${session.minutes} min) shared with ${names.join(', ')}: they see its date, length and kind, never the client code or your evidence lines, and get a message to rate it.`
        : `Session ${session.id} is already shared with ${names.join(', ')}; nothing changed.`,
    ];
    if (Object.keys(repos.mentors.selfBehaviours(session.id)).length === 0)
      lines.push(
        `Optional, for a like-for-like comparison: rate the six behaviours for this session yourself, "rate session ${session.id} 4 3 5 4 4 2" (in order: context, respect, talents, empathy, feelings, openness; - skips one).`,
      );
    return message(lines, { footer: 'Stop sharing with "mentor stop": your mentor then sees none of your sessions.' });
  }

  /** `rate session N r1 … r6`: the coach's own ratings of one session's six behaviours (replacing earlier ones). */
  selfRate(ref: CoachRef, args: string, ctx: { timeZone?: string; displayName?: string } = {}): Message {
    const coach = this.coachOf(ref, ctx);
    const input = parseSelfRating(args);
    const { repos } = this.deps;
    const session = repos.journey.session(coach.id, input.sessionId);
    if (!session)
      return fail(`There is no session ${input.sessionId} in your log: use the number its acknowledgement showed.`);
    repos.transaction(() =>
      repos.mentors.setBehaviours(session.id, { kind: 'self' }, input.behaviours, RUBRIC.version, this.now()),
    );
    this.deps.log.info('session behaviours rated', {
      coach: coach.id,
      sessionId: session.id,
      rated: Object.keys(input.behaviours).length,
    });
    return message(
      [
        `Your ratings of session ${session.id} are saved (rubric ${RUBRIC.version}).`,
        ...reviewLines({ behaviours: input.behaviours, markers: [] }),
      ],
      {
        footer: "Your mentor's rating, when they give one, shows beside yours: /selfcheck compare",
      },
    );
  }

  /** `mentor sessions`: what is shared with this mentor and still to rate (or rated, to rate again). */
  toRate(me: Coach): Message {
    const shared = this.deps.repos.mentors.sharedWith(me.id);
    if (shared.length === 0)
      return message(
        'No session is shared with you right now. When a coach you mentor shares one, you get a message to rate it.',
      );
    const coach = (s: SharedSession) => {
      const c = this.deps.repos.coaches.byId(s.coachId);
      return c ? nameOf(c) : `coach ${s.coachId}`;
    };
    const open = shared.filter((s) => !s.rated);
    return message(
      [
        open.length ? `${open.length} to rate:` : 'All rated, thank you.',
        ...shared.map(
          (s) =>
            `Session ${s.sessionId} of ${coach(s)}: ${s.date} · ${s.minutes} min · ${sessionKind(s.participants)}${s.rated ? ' (rated)' : ''}`,
        ),
      ],
      {
        title: 'Sessions shared with you',
        buttons: open.slice(0, 5).map((s) => ({
          action: 'mentor_rate' as const,
          label: `Rate session ${s.sessionId}`,
          value: String(s.sessionId),
        })),
        footer:
          'Typed: "mentor rate N 4 3 5 4 4 2 4.1:yes 4.2:partly" and a comment. You see the date, length and kind only.',
      },
    );
  }

  /** What the rating form shows of a session (date, length, kind): the session, or why this mentor may not rate it. */
  formFor(ref: CoachRef, sessionId: number): { session: SharedSession } | { refused: Message } {
    const me = this.coachOf(ref);
    const session = this.deps.repos.mentors.sharedWith(me.id).find((s) => s.sessionId === sessionId);
    return session ? { session } : { refused: message(this.notSharedText(sessionId)) };
  }

  private notSharedText(sessionId: number): string {
    return `Session ${sessionId} is not shared with you, or the mentoring it was shared under has ended: you can rate only sessions a coach shares with you while you are their mentor ("mentor sessions" lists them).`;
  }

  /** `mentor rate N …` typed. */
  rateTyped(me: Coach, args: string): Message {
    return this.rate(me, parseMentorRating(args));
  }

  /** The rating form submitted (Slack modal, Teams card): the answer, or each problem by field. */
  submitForm(
    ref: CoachRef,
    sessionId: number,
    fields: RatingFormFields,
  ): { reply: Message } | { errors: Record<string, string> } {
    const checked = validateRatingForm(sessionId, fields);
    if (!checked.ok) return { errors: checked.errors as Record<string, string> };
    return { reply: this.rate(this.coachOf(ref), checked.value) };
  }

  /** A mentor's rating of a shared session: all of it (behaviours, markers, comment, audit, the coach's DM) or none. */
  rate(me: Coach, input: SessionRatingInput): Message {
    const { repos } = this.deps;
    const share = repos.mentors.activeShare(input.sessionId, me.id);
    if (!share) return fail(this.notSharedText(input.sessionId));
    const relation = repos.mentors.relation(share.relationId) as MentorRelation;
    const coach = repos.coaches.byId(relation.coachId);
    const at = this.now();
    repos.transaction(() => {
      repos.mentors.setBehaviours(
        input.sessionId,
        { kind: 'mentor', coachId: me.id },
        input.behaviours,
        RUBRIC.version,
        at,
      );
      repos.mentors.setMentorReview({
        sessionId: input.sessionId,
        mentorCoachId: me.id,
        behaviours: input.behaviours,
        markers: input.markers,
        comment: input.comment,
        rubricVersion: RUBRIC.version,
        ratedAt: at,
      });
      repos.privacy.audit({
        at,
        coachId: relation.coachId,
        action: 'share',
        actor: 'mentor',
        objectIds: { kind: 'mentor_rating', session: input.sessionId, relation: relation.id, mentor: me.id },
      });
      if (coach) this.mentors.notify(coach, `rated-s${share.id}-${Date.parse(at)}`);
    });
    this.deps.log.info('session rated by mentor', {
      mentor: me.id,
      sessionId: input.sessionId,
      behaviours: Object.keys(input.behaviours).length,
      markers: input.markers.length,
      hasComment: input.comment !== null,
    });
    return message(
      [
        `Your rating of session ${input.sessionId} is saved (rubric ${RUBRIC.version}); ${coach ? nameOf(coach) : 'the coach'} is told and sees it beside their own.`,
        ...reviewLines(input),
        ...(input.comment
          ? ['Your comment is saved with it (kept like notes: encrypted where the server encrypts).']
          : []),
      ],
      { title: 'Rating saved' },
    );
  }

  /**
   * `mentoring …`: a mentor logs a meeting for the coach (`… for @coach`), or the coach logs one (`delegate`, the
   * journey's own log). The same meeting (date and minutes) logged by both sides of a relation is counted once.
   */
  mentoring(
    ref: CoachRef,
    args: string,
    delegate: () => Message,
    ctx: { timeZone?: string; displayName?: string } = {},
  ): Message {
    const me = this.coachOf(ref, ctx);
    const today = localDate(this.deps.clock.now(), me.settings.timeZone);
    const { repos } = this.deps;
    const forWho = /\s+for\s+(\S+)\s*$/i.exec(args);
    if (!forWho) {
      const input = parseMentoring(args, today);
      const relationIds = repos.mentors
        .relationsOf(me.id)
        .filter((r) => r.coachId === me.id)
        .map((r) => r.id);
      const logged = relationIds.length
        ? repos.mentors.findMentoringLog(me.id, input.date, input.minutes, 'mentor', relationIds)
        : undefined;
      if (logged)
        return message(
          `Your mentor already logged this meeting (${input.date} · ${input.minutes} min): it is counted once, so nothing was added.`,
          {
            footer: 'See where you stand: /selfcheck log',
          },
        );
      return delegate();
    }
    const input = parseMentoring(args.slice(0, forWho.index), today);
    const relation = this.relationAsMentor(me, forWho[1]);
    const coach = repos.coaches.byId(relation.coachId) as Coach;
    const outcome = repos.transaction(() => {
      if (repos.mentors.findMentoringLog(coach.id, input.date, input.minutes, 'mentor', [relation.id]))
        return 'again' as const;
      const theirs = repos.mentors.findMentoringLog(coach.id, input.date, input.minutes, 'coach', [relation.id]);
      if (theirs) {
        repos.mentors.linkMentoringLog(theirs.id, relation.id);
        return 'theirs' as const;
      }
      repos.mentors.addMentorLog({
        coachId: coach.id,
        relationId: relation.id,
        date: input.date,
        minutes: input.minutes,
        groupSize: input.groupSize,
        createdAt: this.now(),
      });
      return 'added' as const;
    });
    this.deps.log.info('mentor coaching logged by mentor', { mentor: me.id, relationId: relation.id, outcome });
    const what = `${input.date} · ${input.minutes} min · ${input.groupSize === 1 ? 'one-to-one' : `group of ${input.groupSize}`}`;
    if (outcome === 'again')
      return message(`You already logged this meeting for ${nameOf(coach)} (${what}); nothing changed.`);
    if (outcome === 'theirs')
      return message(
        `${nameOf(coach)} already logged this meeting (${what}): it is counted once, so nothing was added.`,
      );
    return message(
      `Mentor coaching logged for ${nameOf(coach)}: ${what}. It counts toward their ten hours (once, even if they log it too).`,
    );
  }

  /** The active relation in which `me` mentors the coach a mention or name points at. */
  private relationAsMentor(me: Coach, who: string): MentorRelation {
    const user =
      /^<@([A-Za-z0-9:_.-]{1,120})(?:\|[^>]{0,80})?>$/.exec(who)?.[1] ??
      (me.platform === 'console' ? who.replace(/^@/, '') : undefined);
    const coach = user ? this.deps.repos.coaches.find({ platform: me.platform, tenant: me.tenant, user }) : undefined;
    const relation = coach
      ? this.deps.repos.mentors
          .relationsOf(me.id)
          .find((r) => r.mentorCoachId === me.id && r.coachId === coach.id && r.status === 'active')
      : undefined;
    if (!relation)
      return fail(
        'You can log mentor coaching for a coach only while you are their mentor (they invited you and you accepted): mention them, "mentoring 60 1:1 for @name".',
      );
    return relation;
  }

  /** The DM about a share ('shared', to the mentor) or a rating ('rated', to the coach), built at send time. */
  notice(to: Coach, kind: 'shared' | 'rated', shareId: number): Message | undefined {
    const { mentors, coaches } = this.deps.repos;
    const share = mentors.shareById(shareId);
    const relation = share ? mentors.relation(share.relationId) : undefined;
    if (!share || !relation) return undefined;
    if (kind === 'shared') {
      const shared =
        relation.mentorCoachId === to.id ? mentors.sharedWith(to.id).find((s) => s.shareId === shareId) : undefined;
      const coach = coaches.byId(relation.coachId);
      return shared && coach ? sharedMessage(coach, shared) : undefined;
    }
    const mentor = coaches.byId(relation.mentorCoachId);
    const review = mentors.mentorReview(share.sessionId, relation.mentorCoachId);
    return to.id === relation.coachId && mentor && review ? ratedMessage(mentor, review) : undefined;
  }
}
