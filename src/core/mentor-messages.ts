import { BEHAVIOUR_KEYS, behaviour } from './behaviours';
import type { MentorRelation, MentorReview, SharedSession } from './mentor-model';
import { type Message, message } from './message';
import type { Coach } from './model';
import { OBSERVATION_LABELS } from './session-input';

/**
 * What coaches and mentors are told about a mentoring relation, in Trellis's own words: the invitation (who asks,
 * what a mentor sees, how to stop), the answers, the end, a shared session to rate and the rating received.
 */

/** How one coach is named to another: their display name, a Slack mention, or their user id. */
export function nameOf(coach: Coach): string {
  if (coach.displayName) return coach.displayName;
  return coach.platform === 'slack' ? `<@${coach.user}>` : coach.user;
}

export const WHAT_A_MENTOR_SEES =
  'A mentor sees only the sessions the coach shares with them, and of those only the date, length and kind (individual or group): never client codes, evidence lines, notes or reflections.';

export const HOW_TO_STOP = 'Either of you can end it at any time with "mentor stop"; the other is told.';

export const sessionKind = (participants: number) => (participants > 1 ? `group of ${participants}` : 'individual');

export function inviteMessage(coach: Coach, relation: MentorRelation): Message {
  return message(
    [
      `${nameOf(coach)} asks you to be their mentor coach in Trellis, for their ICF credential ("Cultivates Trust and Safety").`,
      `${WHAT_A_MENTOR_SEES} For each shared session you can rate the six behaviours and markers 4.1–4.4 and add a comment, which they see beside their own rating.`,
      HOW_TO_STOP,
    ],
    {
      title: 'Would you be their mentor?',
      buttons: [
        { action: 'mentor_accept', label: 'Accept', value: `r${relation.id}`, style: 'primary' },
        { action: 'mentor_decline', label: 'Decline', value: `r${relation.id}` },
      ],
      footer: `Typed instead: "mentor accept ${relation.id}" or "mentor decline ${relation.id}".`,
    },
  );
}

export function answeredMessage(mentor: Coach, accepted: boolean): Message {
  return accepted
    ? message(
        [
          `${nameOf(mentor)} accepted: they are now your mentor coach.`,
          'Share a session for their feedback with "share session N with mentor" (the number your log shows). They see its date, length and kind, nothing else.',
        ],
        { title: 'Your mentor accepted', footer: HOW_TO_STOP },
      )
    : message(`${nameOf(mentor)} declined your invitation to be your mentor coach. Nothing of yours was shared.`, {
        title: 'Invitation declined',
      });
}

export function endedMessage(other: Coach, relation: MentorRelation, toSide: 'coach' | 'mentor'): Message {
  if (relation.answeredAt === null && toSide === 'mentor')
    return message(`${nameOf(other)} withdrew their invitation for you to be their mentor coach.`, {
      title: 'Invitation withdrawn',
    });
  return message(
    toSide === 'coach'
      ? `${nameOf(other)} ended the mentoring: they no longer see the sessions you shared. Their ratings so far stay with your sessions.`
      : `${nameOf(other)} ended the mentoring: you no longer see the sessions they shared with you.`,
    { title: 'Mentoring ended' },
  );
}

export function sharedMessage(coach: Coach, shared: SharedSession): Message {
  return message(
    [
      `${nameOf(coach)} shared a session for your feedback: session ${shared.sessionId}, ${shared.date} · ${shared.minutes} min · ${sessionKind(shared.participants)}.`,
      'Rate the six behaviours (1-5) and markers 4.1–4.4 as you observed them in the recording, and add a comment if you like.',
    ],
    {
      title: 'A session to rate',
      buttons: [
        { action: 'mentor_rate', label: 'Rate this session', value: String(shared.sessionId), style: 'primary' },
      ],
      footer: `Typed instead: "mentor rate ${shared.sessionId} 4 3 5 4 4 2 4.1:yes 4.2:partly" and a comment. "mentor sessions" lists what is still to rate.`,
    },
  );
}

/** The six behaviours and markers of a review, on two lines. */
export function reviewLines(review: Pick<MentorReview, 'behaviours' | 'markers'>): string[] {
  const rated = BEHAVIOUR_KEYS.filter((k) => review.behaviours[k] !== undefined);
  const lines: string[] = [];
  if (rated.length)
    lines.push(`Behaviours: ${rated.map((k) => `${behaviour(k).short} ${review.behaviours[k]}`).join(' · ')}`);
  if (review.markers.length)
    lines.push(`Markers: ${review.markers.map((m) => `${m.marker} ${OBSERVATION_LABELS[m.observed]}`).join(' · ')}`);
  return lines;
}

/**
 * A long text in pieces of at most `max` characters, cut at a space or line break where there is one: a Slack section
 * holds 3,000 characters, and a comment may have that many, so the whole of it reaches the coach.
 */
export function pieces(text: string, max = 2900): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = Math.max(rest.lastIndexOf(' ', max), rest.lastIndexOf('\n', max));
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

export function ratedMessage(mentor: Coach, review: MentorReview): Message {
  return message(
    [
      `${nameOf(mentor)} rated session ${review.sessionId} (rubric ${review.rubricVersion}).`,
      ...reviewLines(review),
      ...(review.comment ? ['*Their comment:*', ...pieces(review.comment)] : []),
    ],
    { title: 'Your mentor rated a session', footer: 'See your rating beside theirs: /selfcheck compare' },
  );
}
