import { z } from 'zod';
import { TrellisError } from './errors';
import { isValidDate } from './time';

/**
 * The portfolio's records and arguments (issue #15): which reflections a coach ticked (migration 27,
 * src/store/portfolio-picks.ts), the period a portfolio covers, and the files it is made of.
 */

export interface PortfolioPickRepository {
  /** Ticks one of the coach's own reflections; 'unknown' when the coach has no reflection of that id. */
  pick(coachId: number, reflectionId: number, at: string): 'added' | 'already' | 'unknown';
  /** False when it was not ticked. */
  unpick(coachId: number, reflectionId: number): boolean;
  /** The ticked reflections' ids, in order. */
  picks(coachId: number): number[];
}

/** The files of a portfolio: the PDF, ICF's client coaching log and the mentor-coaching log as CSV. */
export const PORTFOLIO_FILE_KINDS = ['portfolio-pdf', 'portfolio-coaching-log', 'portfolio-mentoring-log'] as const;
export type PortfolioFileKind = (typeof PORTFOLIO_FILE_KINDS)[number];

/** The dates a portfolio covers, both inclusive ("YYYY-MM-DD"); `from` absent = from the first record. */
export interface PortfolioPeriod {
  from?: string;
  to: string;
}

const day = z.string().refine(isValidDate);
/** A period as a platform carries it between two steps (a Teams consent card): checked again when it comes back. */
export const periodSchema = z.strictObject({ from: day.optional(), to: day });

const PERIOD_USAGE =
  'Give the period as dates or months, the earlier first: /selfcheck portfolio 2026-01 2026-06, or /selfcheck portfolio 2026-01-15 2026-11-30. With no dates it covers everything up to today.';

const fail = (text: string): never => {
  throw new TrellisError('invalid_session', `${text} ${PERIOD_USAGE}`);
};

const bound = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)]);

/** "2026-03" as the first or the last day of March; a full date as itself; undefined when it is neither. */
function dayOf(text: string, end: 'first' | 'last'): string | undefined {
  if (!bound.safeParse(text).success) return undefined;
  if (text.length === 10) return isValidDate(text) ? text : undefined;
  if (end === 'first') return `${text}-01`;
  const [y, m] = text.split('-').map(Number);
  return `${text}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * `[from] [to]` after `/selfcheck portfolio`: dates (YYYY-MM-DD) or months (YYYY-MM, the whole month). No dates:
 * everything up to today; one: from then to today. The earlier first, and nothing after today.
 */
export function parsePeriod(args: string, today: string): PortfolioPeriod {
  const words = args.trim() === '' ? [] : args.trim().split(/\s+/);
  if (words.length > 2) return fail('That is more than two dates.');
  return periodOf(words[0], words[1], today);
}

/** The period from its two ends as typed (either may be absent: from the first record, up to today). */
export function periodOf(fromText: string | undefined, toText: string | undefined, today: string): PortfolioPeriod {
  const from = fromText === undefined ? undefined : dayOf(fromText, 'first');
  const to = toText === undefined ? today : dayOf(toText, 'last');
  if (fromText !== undefined && from === undefined) return fail('The first date is not a date I can read.');
  if (to === undefined) return fail('The second date is not a date I can read.');
  if (from !== undefined && from > today) return fail(`The period starts after today (${today}).`);
  // A month that is not over yet ("2026-12" in December) ends today; a later date is refused.
  const end = toText !== undefined && toText.length === 7 && to > today && toText <= today.slice(0, 7) ? today : to;
  if (end > today) return fail(`The period ends after today (${today}).`);
  if (from !== undefined && from > end) return fail('The period starts after it ends.');
  return from === undefined ? { to: end } : { from, to: end };
}

/** "2026-01-01 to 2026-06-30", or "up to 2026-06-30". */
export function periodText(period: PortfolioPeriod): string {
  return period.from ? `${period.from} to ${period.to}` : `everything up to ${period.to}`;
}

/** Whether a local date is inside the period. */
export const inPeriod = (date: string, period: PortfolioPeriod) =>
  (period.from === undefined || date >= period.from) && date <= period.to;
