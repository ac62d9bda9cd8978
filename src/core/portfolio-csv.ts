import { stringify } from 'csv-stringify/sync';
import { REQUIREMENTS } from './rubric';
import type { ClientSession, MentoringLog } from './sessions';

/**
 * The portfolio's CSV files (issue #15), in the columns of ICF's client coaching log template (client, contact
 * information, individual or group, number in group, start and end date, paid and pro bono hours), one row per
 * session, and the mentor-coaching log. Written by csv-stringify; a cell a spreadsheet would run as a formula gets
 * a leading apostrophe, as the export's CSVs do.
 */

/** ICF's column names, then the minutes and Trellis's session number (the PDF and `share session N` use it). */
export const COACHING_LOG_COLUMNS = [
  'Client Name',
  'Contact Information',
  'Individual/Group',
  'Number in Group',
  'Start Date',
  'End Date',
  'Paid Hours',
  'Pro Bono Hours',
  'Minutes',
  'Session',
] as const;

export const MENTORING_LOG_COLUMNS = [
  'Date',
  'Mentor',
  'Hours',
  'One-to-one/Group',
  'Group Size',
  'Counts Toward Ten Hours',
  'Minutes',
] as const;

/** Text a spreadsheet would take for a formula ("=…", "+…", "-…", "@…") starts with an apostrophe. */
const safe = (value: string | number) =>
  typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

const toCsv = (columns: readonly string[], rows: (string | number)[][]) =>
  stringify(
    rows.map((row) => row.map(safe)),
    { header: true, columns: [...columns], record_delimiter: '\r\n', bom: false },
  );

const hoursOf = (minutes: number) => (minutes / 60).toFixed(2);

/**
 * The client coaching log. The client is the code the coach chose (Trellis never holds a client's name or contact
 * details, so "Contact Information" stays empty for the coach to fill in where ICF asks for it).
 */
export function coachingLogCsv(sessions: readonly ClientSession[]): string {
  return toCsv(
    COACHING_LOG_COLUMNS,
    sessions.map((s) => [
      s.clientCode,
      '',
      s.participants > 1 ? 'Group' : 'Individual',
      s.participants,
      s.date,
      s.date,
      s.paid ? hoursOf(s.minutes) : '0.00',
      s.paid ? '0.00' : hoursOf(s.minutes),
      s.minutes,
      s.id,
    ]),
  );
}

/** The mentor-coaching log: groups over ICF's size limit are listed but do not count. */
export function mentoringLogCsv(logs: readonly MentoringLog[]): string {
  const max = REQUIREMENTS.mentoring.maxGroupSize;
  return toCsv(
    MENTORING_LOG_COLUMNS,
    logs.map((l) => [
      l.date,
      l.mentorName ?? '',
      hoursOf(l.minutes),
      l.groupSize === 1 ? 'One-to-one' : 'Group',
      l.groupSize,
      l.groupSize <= max ? 'Yes' : 'No',
      l.minutes,
    ]),
  );
}
