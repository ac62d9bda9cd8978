import { z } from 'zod';
import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour, type Rating, SCALE } from './behaviours';
import { TrellisError } from './errors';
import { excerpt } from './excerpt';
import type { Ratings } from './model';

export const NOTE_MAX = 2000;

export interface SelfCheckInput {
  ratings: Ratings;
  note: string | null;
}

/** Drops control characters other than tab and newline, and trims; "" becomes null. */
export function cleanText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

export function cleanNote(note: string | null | undefined): string | null {
  if (note === null || note === undefined) return null;
  const cleaned = cleanText(note);
  if (cleaned.length > NOTE_MAX) {
    throw new TrellisError(
      'invalid_note',
      `Your note is ${cleaned.length.toLocaleString('en')} characters; the limit is ${NOTE_MAX.toLocaleString('en')}. Shorten it and send it again.`,
    );
  }
  return cleaned === '' ? null : cleaned;
}

const scaleText = SCALE.map((s) => `${s.value} ${s.label}`).join(', ');

/** Reads one rating token: "1"–"5", or "-" / "skip" for a skipped behaviour. Throws with what to fix (never the token). */
export function parseRatingToken(token: string, key: BehaviourKey): Rating | null {
  const t = token.trim().toLowerCase();
  if (t === '-' || t === 'skip' || t === 's') return null;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n >= 1 && n <= 5) return n as Rating;
    return fail(`The rating for ${behaviour(key).short} is out of range: ratings go from 1 to 5 (${scaleText}).`);
  }
  if (/^\d*[.,]\d+$/.test(t)) {
    return fail(`The rating for ${behaviour(key).short} is not a whole number: use 1, 2, 3, 4 or 5.`);
  }
  return fail(`The rating for ${behaviour(key).short} is not a number: use a number from 1 to 5, or - to skip it.`);
}

function fail(message: string): never {
  throw new TrellisError('invalid_ratings', message);
}

const ORDER_HINT = `in this order: ${BEHAVIOUR_KEYS.join(', ')}`;

/**
 * Parses the quick form "4 3 5 4 4 2 felt rushed today": six ratings in behaviour order, then an optional note.
 * A note that starts with a number goes in quotes, or after "--", so it is not read as a seventh rating.
 */
export function parseQuickSelfCheck(args: string): SelfCheckInput {
  const text = args.trim();
  const tokens: string[] = [];
  let rest = text;
  while (tokens.length < 6) {
    const m = /^(\S+)(?:\s+|$)/.exec(rest);
    if (!m) break;
    tokens.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  if (tokens.length < 6) {
    fail(
      `I need six ratings, one per behaviour ${ORDER_HINT}; I found ${tokens.length}. Use - for any you want to skip, for example: 4 3 - 4 4 2.`,
    );
  }
  const ratings: Ratings = {};
  BEHAVIOUR_KEYS.forEach((key, i) => {
    const value = parseRatingToken(tokens[i], key);
    if (value !== null) ratings[key] = value;
  });
  let note = rest.trim();
  if (note.startsWith('--')) {
    note = note.slice(2).trim();
  } else if (/^["“].*["”]$/s.test(note)) {
    note = note.slice(1, -1);
  } else {
    const first = note.split(/\s+/)[0] ?? '';
    if (/^(\d+|-)$/.test(first)) {
      fail(
        `I found more than six ratings: there are six behaviours (${BEHAVIOUR_KEYS.join(', ')}). If your note starts with a number, put the note in quotes or after --.`,
      );
    }
  }
  return finish(ratings, note);
}

function finish(ratings: Ratings, note: string | null): SelfCheckInput {
  if (Object.keys(ratings).length === 0) {
    fail('Every behaviour was skipped: rate at least one of the six.');
  }
  return { ratings, note: cleanNote(note) };
}

/** Field-level problems, keyed by behaviour key or "note", for forms that can show an error beside a field. */
export type FieldErrors = Partial<Record<BehaviourKey | 'note' | 'form', string>>;

const ratingField = z
  .union([z.number(), z.string(), z.null(), z.undefined()])
  .transform((v) => (v === '' || v === '-' || v === undefined ? null : v));

const formSchema = z.object({
  ratings: z.record(z.string(), ratingField),
  note: z.union([z.string(), z.null(), z.undefined()]),
});

/**
 * Validates a submitted form (Slack modal, Teams card) whose ratings may arrive as strings or numbers.
 * Returns field errors instead of throwing, so a form can show each beside its field.
 */
export function validateSelfCheckForm(
  raw: unknown,
): { ok: true; value: SelfCheckInput } | { ok: false; errors: FieldErrors } {
  const parsed = formSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: { form: 'The form arrived incomplete; open /selfcheck again.' } };
  const errors: FieldErrors = {};
  const ratings: Ratings = {};
  for (const key of BEHAVIOUR_KEYS) {
    const value = parsed.data.ratings[key];
    if (value === null || value === undefined) continue;
    try {
      const rating = parseRatingToken(String(value), key);
      if (rating !== null) ratings[key] = rating;
    } catch (error) {
      errors[key] = (error as Error).message;
    }
  }
  for (const key of Object.keys(parsed.data.ratings)) {
    if (!(BEHAVIOUR_KEYS as readonly string[]).includes(key)) errors.form = `Unknown behaviour "${excerpt(key)}".`;
  }
  let note: string | null = null;
  try {
    note = cleanNote(parsed.data.note);
  } catch (error) {
    errors.note = (error as Error).message;
  }
  if (Object.keys(errors).length === 0 && Object.keys(ratings).length === 0) {
    errors[BEHAVIOUR_KEYS[0]] = 'Rate at least one behaviour before you submit.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ratings, note } };
}

/** The behaviour rated lowest (ties go to the earlier behaviour), or undefined when nothing was rated. */
export function lowestBehaviour(ratings: Ratings): BehaviourKey | undefined {
  let lowest: BehaviourKey | undefined;
  for (const key of BEHAVIOUR_KEYS) {
    const r = ratings[key];
    if (r === undefined) continue;
    if (lowest === undefined || r < (ratings[lowest] as number)) lowest = key;
  }
  return lowest;
}

export function formatRatings(ratings: Ratings): string {
  return BEHAVIOUR_KEYS.map((k) => `${behaviour(k).short} ${ratings[k] ?? '–'}`).join(' · ');
}
