import { moreClientDetails } from './client-details';
import { TrellisError } from './errors';
import { isMarkerId, MARKER_IDS, type MarkerId } from './rubric';
import { cleanText } from './selfcheck';
import { type MarkerRating, OBSERVATIONS, type Observation } from './sessions';
import { addDays, isValidDate } from './time';

/**
 * Reading what a coach gives about one client session: the quick form (`/selfcheck session 60 paid C17 …`), the
 * form's fields (Slack modal, Teams card, terminal dialog) and mentor-coaching hours. Errors say what to fix and
 * never repeat what was typed. Nothing here stores anything.
 */

export const MINUTES_MIN = 1;
export const MINUTES_MAX = 600;
export const PARTICIPANTS_MAX = 100;
export const CLIENT_CODE_MAX = 24;
export const EVIDENCE_MAX = 500;
/** How far back a session may be logged (ICF counts every hour; a decade covers an MCC application). */
export const OLDEST_DAYS = 3660;

export interface SessionInput {
  date: string;
  minutes: number;
  paid: boolean;
  participants: number;
  clientCode: string;
  ratings: MarkerRating[];
}

export interface MentoringInput {
  date: string;
  minutes: number;
  groupSize: number;
  mentorName: string | null;
}

const fail = (message: string): never => {
  throw new TrellisError('invalid_session', message);
};

export const CLIENT_CODE_WHY =
  'A code you choose (C17, or a nickname), never a name: your log may go to a mentor or to ICF, and a code keeps your client unidentifiable.';

export const SESSION_USAGE =
  'Try: /selfcheck session 60 paid C17 · /selfcheck session 45 probono C3 2026-11-30 · /selfcheck session 90 paid G2 group 6 · add markers as 4.1:yes 4.3:partly 4.4:no';

export function parseMinutes(text: string, what = 'session'): number {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) fail(`Give the ${what}'s length as whole minutes, for example 60.`);
  const minutes = Number(t);
  if (minutes < MINUTES_MIN || minutes > MINUTES_MAX)
    fail(`The ${what}'s length must be from ${MINUTES_MIN} to ${MINUTES_MAX} minutes (up to ten hours).`);
  return minutes;
}

/** A date for a session: "today", "yesterday" or YYYY-MM-DD; never in the future, never more than ten years back. */
export function parseSessionDate(text: string, today: string): string {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'today') return today;
  if (t === 'yesterday') return addDays(today, -1);
  if (!isValidDate(t)) fail('Give the date as YYYY-MM-DD (for example 2026-11-30), or "today" or "yesterday".');
  if (t > today) fail('That date is in the future: log a session once it has taken place.');
  if (t < addDays(today, -OLDEST_DAYS)) fail('That date is more than ten years ago: check the year.');
  return t;
}

export function parseParticipants(text: string): number {
  const t = text.trim();
  if (!/^\d{1,4}$/.test(t) || Number(t) < 2 || Number(t) > PARTICIPANTS_MAX)
    fail(`A group session has from 2 to ${PARTICIPANTS_MAX} participants: give the number, for example "group 6".`);
  return Number(t);
}

export function parseClientCode(text: string): string {
  const t = cleanText(text);
  if (t === '') fail(`Give a client code. ${CLIENT_CODE_WHY}`);
  if (t.length > CLIENT_CODE_MAX || !/^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u.test(t))
    fail(
      `A client code is one word of up to ${CLIENT_CODE_MAX} letters, digits, "-" or "_", such as C17. ${CLIENT_CODE_WHY}`,
    );
  return t;
}

/** Whether a client code looks like a person's name (the client-detail guard of sharing, src/core/client-details.ts). */
export function codeLooksLikeName(code: string): boolean {
  const capitalised = code[0].toUpperCase() + code.slice(1);
  return [code, capitalised].some((c) => moreClientDetails(c).some((d) => d.kind === 'first_name'));
}

const OBSERVATION_WORDS: Record<string, Observation> = {
  observed: 'observed',
  yes: 'observed',
  y: 'observed',
  o: 'observed',
  partly: 'partly',
  partial: 'partly',
  p: 'partly',
  not: 'not_observed',
  no: 'not_observed',
  n: 'not_observed',
  not_observed: 'not_observed',
  'not-observed': 'not_observed',
};

export const OBSERVATION_LABELS: Record<Observation, string> = {
  observed: 'observed',
  partly: 'partly',
  not_observed: 'not observed',
};

export function parseObservation(text: string, markerId: string): Observation | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === '-' || t === 'skip') return null;
  const found = OBSERVATION_WORDS[t] ?? (OBSERVATIONS as readonly string[]).find((o) => o === t);
  if (!found) fail(`For marker ${markerId} say observed, partly or not (or - to leave it out).`);
  return found as Observation;
}

export function parseMarkerId(text: string): MarkerId {
  const t = text.trim();
  if (!isMarkerId(t)) fail(`That is not one of this competency's markers: use ${MARKER_IDS.join(', ')}.`);
  return t as MarkerId;
}

export function parseEvidence(text: string | null | undefined, markerId: string): string | null {
  if (text === null || text === undefined) return null;
  const t = cleanText(text);
  if (t === '' || t === '-') return null;
  if (t.length > EVIDENCE_MAX)
    fail(
      `The evidence for marker ${markerId} is ${t.length.toLocaleString('en')} characters; keep it to ${EVIDENCE_MAX} (a line or two).`,
    );
  return t;
}

/**
 * The quick form after "session": minutes first, then in any order paid | probono, individual | group N, a date,
 * the client code, and markers as 4.1:yes / 4.2:partly / 4.3:no.
 */
export function parseQuickSession(args: string, today: string): SessionInput {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) fail(SESSION_USAGE);
  const minutes = parseMinutes(tokens[0]);
  let paid: boolean | undefined;
  let participants = 1;
  let date = today;
  let clientCode: string | undefined;
  const ratings = new Map<MarkerId, MarkerRating>();
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i];
    const lower = token.toLowerCase();
    if (lower === 'paid' || lower === 'probono' || lower === 'pro-bono' || lower === 'unpaid') {
      if (paid !== undefined) fail('Say paid or probono once.');
      paid = lower === 'paid';
    } else if (lower === 'pro' && tokens[i + 1]?.toLowerCase() === 'bono') {
      if (paid !== undefined) fail('Say paid or probono once.');
      paid = false;
      i++;
    } else if (lower === 'group') {
      participants = parseParticipants(tokens[i + 1] ?? '');
      i++;
    } else if (lower === 'individual' || lower === '1:1') {
      participants = 1;
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(token) || lower === 'today' || lower === 'yesterday') {
      date = parseSessionDate(token, today);
    } else if (/^\d+(\.\d+)?[:=]/.test(token)) {
      const [id, value] = token.split(/[:=]/, 2);
      const markerId = parseMarkerId(id);
      const observed = parseObservation(value, markerId);
      if (observed) ratings.set(markerId, { marker: markerId, observed, evidence: null });
    } else {
      if (clientCode !== undefined) fail(`Give one client code, and nothing else unknown. ${SESSION_USAGE}`);
      clientCode = parseClientCode(token);
    }
  }
  if (clientCode === undefined) fail(`Add a client code, for example C17. ${CLIENT_CODE_WHY}`);
  return {
    date,
    minutes,
    paid: paid ?? true,
    participants,
    clientCode: clientCode as string,
    ratings: MARKER_IDS.flatMap((m) => ratings.get(m) ?? []),
  };
}

/** The form's fields as every platform hands them over: strings, absent when left empty. */
export interface SessionFormFields {
  date?: string;
  minutes?: string;
  paid?: string;
  kind?: string;
  participants?: string;
  clientCode?: string;
  observed?: Partial<Record<MarkerId, string>>;
  evidence?: Partial<Record<MarkerId, string>>;
}

export type SessionFormErrors = Partial<Record<string, string>>;

/** Checks every field of the form at once, so each problem shows beside its field. */
export function validateSessionForm(
  fields: SessionFormFields,
  today: string,
): { ok: true; value: SessionInput } | { ok: false; errors: SessionFormErrors } {
  const errors: SessionFormErrors = {};
  const attempt = <T>(field: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof TrellisError)) throw error;
      errors[field] = error.message;
      return undefined;
    }
  };
  const date = attempt('date', () => parseSessionDate(fields.date ?? '', today));
  const minutes = attempt('minutes', () => parseMinutes(fields.minutes ?? ''));
  const paid = (fields.paid ?? 'paid') !== 'probono';
  const group = fields.kind === 'group';
  const participants = group ? attempt('participants', () => parseParticipants(fields.participants ?? '')) : 1;
  const clientCode = attempt('clientCode', () => parseClientCode(fields.clientCode ?? ''));
  const ratings: MarkerRating[] = [];
  for (const id of MARKER_IDS) {
    const observed = attempt(`observed_${id}`, () => parseObservation(fields.observed?.[id] ?? '', id));
    const evidence = attempt(`evidence_${id}`, () => parseEvidence(fields.evidence?.[id], id));
    if (observed) ratings.push({ marker: id, observed, evidence: evidence ?? null });
    else if (evidence && !errors[`evidence_${id}`])
      errors[`observed_${id}`] = `You wrote evidence for marker ${id}: say whether it was observed, partly or not.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      date: date as string,
      minutes: minutes as number,
      paid,
      participants: participants as number,
      clientCode: clientCode as string,
      ratings,
    },
  };
}

/** `mentoring 60 1:1 [date] [mentor NAME…]` or `mentoring 90 group 6 [date]`. */
export function parseMentoring(args: string, today: string): MentoringInput {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  const usage = 'Try: /selfcheck mentoring 60 1:1 · /selfcheck mentoring 90 group 6 2026-11-30';
  if (tokens.length === 0) fail(usage);
  const minutes = parseMinutes(tokens[0], 'mentoring session');
  let groupSize: number | undefined;
  let date = today;
  let mentorName: string | null = null;
  for (let i = 1; i < tokens.length; i++) {
    const lower = tokens[i].toLowerCase();
    if (lower === '1:1' || lower === 'one-to-one' || lower === 'individual') groupSize = 1;
    else if (lower === 'group') {
      groupSize = parseParticipants(tokens[i + 1] ?? '');
      i++;
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(lower) || lower === 'today' || lower === 'yesterday')
      date = parseSessionDate(lower, today);
    else if (lower === 'mentor' || lower === 'with') {
      const name = cleanText(tokens.slice(i + 1).join(' '));
      if (name === '' || name.length > 80) fail('Give the mentor\'s name after "mentor", in up to 80 characters.');
      mentorName = name;
      break;
    } else fail(usage);
  }
  if (groupSize === undefined) fail(`Say 1:1 or group N. ${usage}`);
  return { date, minutes, groupSize: groupSize as number, mentorName };
}

/** "10m", "30m", "1h", "off": minutes after a session's end, or null for off. */
export function parseAfterSession(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const m = /^(\d{1,3})\s*(m|min|mins|minutes|h|hours?)?$/.exec(t);
  const minutes = m ? Number(m[1]) * (m[2]?.startsWith('h') ? 60 : 1) : Number.NaN;
  if (!(minutes >= 0 && minutes <= 240))
    throw new TrellisError(
      'invalid_setting',
      'Say how long after a session ends the form should come, from 0m to 4h (for example "settings after-session 10m"), or "off".',
    );
  return minutes;
}
