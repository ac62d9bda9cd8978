import { z } from 'zod';
import { TrellisError } from './errors';
import {
  answeredMessage,
  endedMessage,
  HOW_TO_STOP,
  inviteMessage,
  nameOf,
  WHAT_A_MENTOR_SEES,
} from './mentor-messages';
import type { MentorRelation, Side } from './mentor-model';
import { MentorSessions } from './mentor-sessions';
import { type Message, message } from './message';
import type { Coach, CoachRef } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { localDate } from './time';

/**
 * A mentor coach beside the coach (issue #15, part 2), the writing side: `mentor invite @someone` asks them in
 * their DM; both consent; either ends it (`mentor stop`, the other is told). Every DM Trellis owes someone here is
 * queued in the outbox in the same transaction as the change it tells of, so it goes out exactly once, after a
 * crash too (src/schedule/mentor-notices.ts builds it at send time). Sharing and rating: mentor-sessions.ts.
 */

export interface MentorDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
}

/** Finds or registers a coach (Trellis.coach). */
export type CoachOf = (ref: CoachRef, ctx?: { timeZone?: string; displayName?: string }) => Coach;

/** The subcommands of /selfcheck this module answers ("share session …", "rate session …" and "mentoring" too). */
export const MENTOR_SUBCOMMANDS = new Set(['mentor']);

export const MENTOR_USAGE =
  'Try: mentor invite @name (or their email) · mentor accept · mentor decline · mentor stop · mentor sessions · share session N with mentor';

const fail = (text: string): never => {
  throw new TrellisError('invalid_session', text);
};
const mention = /^<@([A-Za-z0-9:_.-]{1,120})(?:\|[^>]{0,80})?>$/;
const idArg = (args: string): number | undefined => {
  const m = /^r?(\d{1,12})$/.exec(args.trim());
  return m ? Number(m[1]) : undefined;
};

export class Mentors {
  readonly sessions: MentorSessions;

  constructor(
    private readonly deps: MentorDeps,
    private readonly coachOf: CoachOf,
  ) {
    this.sessions = new MentorSessions(deps, coachOf, this);
  }

  /** `mentor …`. */
  run(ref: CoachRef, args: string, ctx: { timeZone?: string; displayName?: string } = {}): Message {
    const me = this.coachOf(ref, ctx);
    const [first = '', ...rest] = args.trim().split(/\s+/);
    const sub = first.toLowerCase();
    const tail = rest.join(' ');
    if (sub === '') return this.overview(me);
    if (sub === 'invite') return this.invite(me, tail);
    if (sub === 'accept' || sub === 'decline') return this.answer(me, idArg(tail), sub === 'accept');
    if (sub === 'stop' || sub === 'end' || sub === 'withdraw') return this.stop(me, idArg(tail));
    if (sub === 'sessions') return this.sessions.toRate(me);
    if (sub === 'rate') return this.sessions.rateTyped(me, args.trim().replace(/^rate\s*/i, ''));
    return fail(`I do not know "mentor" with that. ${MENTOR_USAGE}`);
  }

  /** The person a coach names: a mention (Slack "<@U123>", a Teams mention), an email, or a terminal user name. */
  private resolve(me: Coach, who: string): Coach {
    const { coaches, journey } = this.deps.repos;
    const w = who.trim();
    if (w === '') fail(`Say whom to invite. ${MENTOR_USAGE}`);
    const m = mention.exec(w);
    const plainName = me.platform === 'console' && /^@?[\w.-]{1,64}$/.test(w) ? w.replace(/^@/, '') : undefined;
    const user = m?.[1] ?? plainName;
    if (user !== undefined) {
      const ref: CoachRef = { platform: me.platform, tenant: me.tenant, user };
      const found = coaches.find(ref);
      if (found) return found;
      // Slack can open a DM with anyone in the workspace; Teams and the terminal reach only people Trellis has met.
      if (me.platform === 'slack' && m) return this.coachOf(ref);
      return fail(
        me.platform === 'teams'
          ? 'Trellis has not met that person yet, so it cannot message them: ask them to send Trellis a message once (any word), then invite them again.'
          : 'No one of that name has used Trellis here: ask them to open the chat once, then invite them again.',
      );
    }
    if (z.email().max(320).safeParse(w).success) {
      const here = journey
        .coachesByEmail(w)
        .map((id) => coaches.byId(id))
        .filter((c): c is Coach => c !== undefined && c.platform === me.platform && c.tenant === me.tenant);
      if (here.length === 1) return here[0];
      return fail(
        'No coach with that email has used Trellis in this workspace: ask them to send Trellis a message once (any word), then invite them again, or mention them.',
      );
    }
    return fail(`Mention the person (mentor invite @name) or give their email. ${MENTOR_USAGE}`);
  }

  private invite(me: Coach, who: string): Message {
    const mentor = this.resolve(me, who);
    if (mentor.id === me.id) fail('You cannot be your own mentor coach: invite another coach.');
    const { repos } = this.deps;
    const now = this.deps.clock.now().toISOString();
    const relation = repos.transaction(() => {
      const open = repos.mentors.openBetween(me.id, mentor.id);
      if (open?.status === 'active') fail(`${nameOf(mentor)} already is your mentor coach; nothing changed.`);
      const pending = repos.mentors.relationsOf(me.id).find((r) => r.coachId === me.id && r.status === 'invited');
      if (pending) {
        const invitee = repos.coaches.byId(pending.mentorCoachId);
        fail(
          `You already invited ${invitee ? nameOf(invitee) : 'someone'} and they have not answered. Wait for their answer, or withdraw it with "mentor stop ${pending.id}" and invite again.`,
        );
      }
      const created = repos.mentors.invite(me.id, mentor.id, now);
      this.notify(mentor, `invite-r${created.id}`);
      return created;
    });
    this.deps.log.info('mentor invited', { coach: me.id, relationId: relation.id });
    return message(
      [
        `Invitation sent: ${nameOf(mentor)} gets a message asking them to be your mentor coach, and you hear when they answer.`,
        WHAT_A_MENTOR_SEES,
      ],
      { footer: `Withdraw it with "mentor stop ${relation.id}".` },
    );
  }

  /** The Accept or Decline button (value "r<id>") or `mentor accept|decline [N]`. */
  answer(me: Coach, relationId: number | undefined, accept: boolean): Message {
    const { repos } = this.deps;
    const mine = repos.mentors.relationsOf(me.id).filter((r) => r.mentorCoachId === me.id);
    let relation: MentorRelation | undefined;
    if (relationId !== undefined) relation = mine.find((r) => r.id === relationId);
    else {
      const pending = mine.filter((r) => r.status === 'invited');
      if (pending.length > 1)
        fail(
          `You have ${pending.length} invitations: say which, "mentor ${accept ? 'accept' : 'decline'} N" (type "mentor" to see them).`,
        );
      relation = pending[0];
    }
    if (!relation) return fail('There is no invitation for you to answer: type "mentor" to see yours.');
    const coach = repos.coaches.byId(relation.coachId);
    const who = coach ? nameOf(coach) : 'The coach';
    if (relation.status === 'ended' && relation.answeredAt === null)
      return message(`${who} withdrew that invitation; nothing changed.`);
    if (relation.status !== 'invited')
      return message(`You already answered that invitation (${relation.status}); nothing changed.`);
    const now = this.deps.clock.now().toISOString();
    const moved = repos.transaction(() => {
      if (!repos.mentors.setStatus(relation.id, ['invited'], accept ? 'active' : 'declined', now)) return false;
      if (coach) this.notify(coach, `${accept ? 'accepted' : 'declined'}-r${relation.id}`);
      return true;
    });
    // Withdrawn between the read and the write.
    if (!moved) return message(`${who} withdrew that invitation; nothing changed.`);
    this.deps.log.info('mentor invitation answered', { coach: me.id, relationId: relation.id, accept });
    return accept
      ? message(
          [
            `You are now ${who}'s mentor coach. When they share a session you get a message to rate it; "mentor sessions" lists them.`,
            HOW_TO_STOP,
          ],
          { title: 'Accepted' },
        )
      : message(`Declined: ${who} is told, and nothing of theirs is shared with you.`, { title: 'Declined' });
  }

  /** `mentor stop [N]`: ends an active relation, or withdraws (coach) or declines (mentor) an open invitation. */
  private stop(me: Coach, relationId: number | undefined): Message {
    const { repos } = this.deps;
    const open = repos.mentors.relationsOf(me.id).filter((r) => r.status === 'invited' || r.status === 'active');
    const relation =
      relationId === undefined ? (open.length === 1 ? open[0] : undefined) : open.find((r) => r.id === relationId);
    if (!relation) {
      if (open.length > 1)
        fail(
          `You have ${open.length} open mentoring relations: say which, "mentor stop N" (type "mentor" to see them).`,
        );
      return fail('You have no mentoring relation or invitation to stop: type "mentor" to see yours.');
    }
    const side: Side = relation.coachId === me.id ? 'coach' : 'mentor';
    if (side === 'mentor' && relation.status === 'invited') return this.answer(me, relation.id, false);
    const otherId = side === 'coach' ? relation.mentorCoachId : relation.coachId;
    const other = repos.coaches.byId(otherId);
    const now = this.deps.clock.now().toISOString();
    repos.transaction(() => {
      if (!repos.mentors.setStatus(relation.id, ['invited', 'active'], 'ended', now, side)) return;
      if (other) this.notify(other, `ended-r${relation.id}`);
    });
    this.deps.log.info('mentoring ended', { coach: me.id, relationId: relation.id, by: side });
    const who = other ? nameOf(other) : 'the other coach';
    if (relation.status === 'invited') return message(`Invitation withdrawn: ${who} is told.`);
    return message(
      side === 'coach'
        ? `Mentoring with ${who} ended: they no longer see the sessions you shared, and they are told.`
        : `Mentoring of ${who} ended: you no longer see the sessions they shared, and they are told.`,
    );
  }

  /** `mentor`: the coach's mentors, whom they mentor, and open invitations either way. */
  private overview(me: Coach): Message {
    const { repos } = this.deps;
    const lines: string[] = [];
    const name = (id: number) => {
      const c = repos.coaches.byId(id);
      return c ? nameOf(c) : `coach ${id}`;
    };
    for (const r of repos.mentors.relationsOf(me.id)) {
      if (r.status !== 'invited' && r.status !== 'active') continue;
      const asCoach = r.coachId === me.id;
      const other = name(asCoach ? r.mentorCoachId : r.coachId);
      if (r.status === 'active')
        lines.push(
          asCoach
            ? `${r.id}. ${other} is your mentor coach (since ${r.answeredAt?.slice(0, 10)}).`
            : `${r.id}. You mentor ${other} (since ${r.answeredAt?.slice(0, 10)}).`,
        );
      else
        lines.push(
          asCoach
            ? `${r.id}. You invited ${other}; waiting for their answer ("mentor stop ${r.id}" withdraws it).`
            : `${r.id}. ${other} invites you to be their mentor coach: "mentor accept ${r.id}" or "mentor decline ${r.id}".`,
        );
    }
    if (lines.length === 0)
      lines.push('You have no mentor coach yet, and mentor no one. Invite one with "mentor invite @name".');
    return message(lines, { title: 'Mentor coaching', footer: `${WHAT_A_MENTOR_SEES} ${HOW_TO_STOP}` });
  }

  /** Queues a DM to `to` about `event` (in the caller's transaction): sent once by the outbox. */
  notify(to: Coach, event: string): void {
    const now = this.deps.clock.now();
    this.deps.repos.mentors.queueNotice({
      coachId: to.id,
      platform: to.platform,
      event,
      localDate: localDate(now, to.settings.timeZone),
      at: now.toISOString(),
    });
  }

  /** The terminal chat's mentor messages waiting for this coach, taken from the outbox (shown once). */
  inbox(ref: CoachRef): Message[] {
    const coach = this.deps.repos.coaches.find(ref);
    if (!coach) return [];
    const events = this.deps.repos.mentors.takeNotices(coach.id, this.deps.clock.now().toISOString());
    return events.map((e) => this.notice(coach, e)).filter((m): m is Message => m !== undefined);
  }

  /**
   * The DM for one queued event, built at send time from what is stored now: undefined when it no longer applies
   * (an invitation withdrawn before it went out, a relation that ended before a share was announced).
   */
  notice(to: Coach, event: string): Message | undefined {
    const m = /^([a-z]+)-([rs])(\d{1,12})(?:-\d+)?$/.exec(event);
    if (!m) return undefined;
    const { mentors, coaches } = this.deps.repos;
    const [, kind, , id] = m;
    if (kind === 'shared' || kind === 'rated') return this.sessions.notice(to, kind, Number(id));
    const relation = mentors.relation(Number(id));
    if (!relation) return undefined;
    const coach = coaches.byId(relation.coachId);
    const mentor = coaches.byId(relation.mentorCoachId);
    if (!coach || !mentor) return undefined;
    if (kind === 'invite')
      return relation.status === 'invited' && to.id === mentor.id ? inviteMessage(coach, relation) : undefined;
    if (kind === 'accepted' || kind === 'declined')
      return to.id === coach.id ? answeredMessage(mentor, kind === 'accepted') : undefined;
    if (kind === 'ended' && relation.status === 'ended') {
      if (to.id === coach.id) return endedMessage(mentor, relation, 'coach');
      if (to.id === mentor.id) return endedMessage(coach, relation, 'mentor');
    }
    return undefined;
  }
}
