import { BEHAVIOUR_KEYS, type BehaviourKey, type Rating } from './behaviours';
import { TrellisError } from './errors';
import { MARKER_IDS, type MarkerId } from './rubric';
import { cleanText, parseRatingToken } from './selfcheck';
import { parseMarkerId, parseObservation } from './session-input';
import type { Observation } from './sessions';

/**
 * Reading a mentor's rating of a shared session and a coach's own rating of a session's six behaviours: typed
 * (`mentor rate 12 4 3 5 4 4 2 4.1:yes great pacing`, `rate session 12 4 3 5 4 4 2`) or from a form's fields
 * (Slack modal, Teams card). Errors say what to fix and never repeat what was typed. Nothing here stores anything.
 */

/** A mentor's comment: sealed like notes; Slack's and Teams' text inputs hold up to 3000 characters. */
export const COMMENT_MAX = 3000;

export interface SessionRatingInput {
  sessionId: number;
  behaviours: Partial<Record<BehaviourKey, Rating>>;
  markers: { marker: MarkerId; observed: Observation }[];
  comment: string | null;
}

const fail = (text: string): never => {
  throw new TrellisError('invalid_session', text);
};

export const MENTOR_RATE_USAGE =
  'Try: mentor rate 12 4 3 5 4 4 2 4.1:yes 4.2:partly 4.3:no 4.4:yes and then your comment (six ratings 1-5 in behaviour order, - skips one).';
export const SELF_RATE_USAGE = 'Try: rate session 12 4 3 5 4 4 2 (six ratings 1-5 in behaviour order, - skips one).';

export function parseSessionId(token: string | undefined, usage: string): number {
  if (!token || !/^\d{1,12}$/.test(token)) fail(`Say which session by its number, as your log shows it. ${usage}`);
  return Number(token);
}

/** Six rating tokens in behaviour order ("-" skips one); at least one must be given. */
function sixRatings(tokens: readonly string[], usage: string): Partial<Record<BehaviourKey, Rating>> {
  if (tokens.length < BEHAVIOUR_KEYS.length)
    fail(`Give all six ratings, in this order: ${BEHAVIOUR_KEYS.join(', ')}. ${usage}`);
  const out: Partial<Record<BehaviourKey, Rating>> = {};
  BEHAVIOUR_KEYS.forEach((key, i) => {
    const r = parseRatingToken(tokens[i], key);
    if (r !== null) out[key] = r;
  });
  return out;
}

export function cleanComment(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const t = cleanText(text);
  if (t === '' || t === '-') return null;
  if (t.length > COMMENT_MAX)
    fail(`The comment is ${t.length.toLocaleString('en')} characters; keep it to ${COMMENT_MAX.toLocaleString('en')}.`);
  return t;
}

/** `mentor rate N r1 … r6 [4.1:yes …] [comment]`. */
export function parseMentorRating(args: string): SessionRatingInput {
  const rest = args.trim();
  const tokens = rest.split(/\s+/);
  const sessionId = parseSessionId(tokens[0], MENTOR_RATE_USAGE);
  const behaviours = sixRatings(tokens.slice(1, 7), MENTOR_RATE_USAGE);
  const markers: SessionRatingInput['markers'] = [];
  let used = 7;
  while (used < tokens.length && /^\d+\.\d+:/.test(tokens[used])) {
    const [id, word] = tokens[used].split(':');
    const marker = parseMarkerId(id);
    const observed = parseObservation(word ?? '', marker);
    if (markers.some((m) => m.marker === marker)) fail(`Marker ${marker} is there twice; give each marker once.`);
    if (observed) markers.push({ marker, observed });
    used++;
  }
  // The comment is what follows, as typed (its line breaks kept).
  let at = 0;
  for (let i = 0; i < used; i++) at = rest.indexOf(tokens[i], at) + tokens[i].length;
  return checked({ sessionId, behaviours, markers, comment: cleanComment(rest.slice(at)) });
}

/** `rate session N r1 … r6`: the coach's own ratings of a session's six behaviours. */
export function parseSelfRating(args: string): {
  sessionId: number;
  behaviours: Partial<Record<BehaviourKey, Rating>>;
} {
  const tokens = args.trim().split(/\s+/);
  const sessionId = parseSessionId(tokens[0], SELF_RATE_USAGE);
  if (tokens.length > 7) fail(`Give six ratings and nothing after them. ${SELF_RATE_USAGE}`);
  const behaviours = sixRatings(tokens.slice(1), SELF_RATE_USAGE);
  if (Object.keys(behaviours).length === 0) fail(`Rate at least one behaviour. ${SELF_RATE_USAGE}`);
  return { sessionId, behaviours };
}

/** A form's fields: a select per behaviour ('1'..'5' or empty), `observed_4.1` … ('observed'|'partly'|'not'), comment. */
export type RatingFormFields = Partial<Record<string, string | null>>;
export type RatingFormErrors = Partial<Record<string, string>>;

/** The rating form (Slack modal, Teams card): the input, or each problem by its field's id. */
export function validateRatingForm(
  sessionId: number,
  fields: RatingFormFields,
): { ok: true; value: SessionRatingInput } | { ok: false; errors: RatingFormErrors } {
  const errors: RatingFormErrors = {};
  const behaviours: Partial<Record<BehaviourKey, Rating>> = {};
  const markers: SessionRatingInput['markers'] = [];
  let comment: string | null = null;
  const attempt = (field: string, work: () => void) => {
    try {
      work();
    } catch (error) {
      if (!(error instanceof TrellisError)) throw error;
      errors[field] = error.message;
    }
  };
  for (const key of BEHAVIOUR_KEYS) {
    const v = fields[key];
    if (v === null || v === undefined || v === '') continue;
    attempt(key, () => {
      const r = parseRatingToken(v, key);
      if (r !== null) behaviours[key] = r;
    });
  }
  for (const id of MARKER_IDS) {
    const v = fields[`observed_${id}`];
    if (v === null || v === undefined || v === '') continue;
    attempt(`observed_${id}`, () => {
      const observed = parseObservation(v, id);
      if (observed) markers.push({ marker: id, observed });
    });
  }
  attempt('comment', () => {
    comment = cleanComment(fields.comment);
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  try {
    return { ok: true, value: checked({ sessionId, behaviours, markers, comment }) };
  } catch (error) {
    if (!(error instanceof TrellisError)) throw error;
    return { ok: false, errors: { [BEHAVIOUR_KEYS[0]]: error.message } };
  }
}

function checked(input: SessionRatingInput): SessionRatingInput {
  if (Object.keys(input.behaviours).length === 0 && input.markers.length === 0)
    fail('Rate at least one behaviour or marker: a comment alone is not a rating.');
  return input;
}
