import { type Message, message } from './message';
import { type Coach, LEVELS, type Level } from './model';
import { nextLevel, REQUIREMENTS, type Requirements, RUBRIC } from './rubric';
import type { MentoringLog, SessionTotals } from './sessions';
import { daysBetween } from './time';

/**
 * `/selfcheck log [ACC|PCC|MCC]`: the coaching log and mentor coaching against a credential's requirements
 * (prompts/credentials/), each figure with what is still missing. Pure: the store sums the rows.
 */

/**
 * The credential a coach's log is measured against: an explicit argument, else the credential they work toward,
 * else the level above the one they hold (ACC for a coach without one).
 */
export function targetCredential(coach: Coach, explicit?: Level): Level {
  if (explicit) return explicit;
  return coach.settings.workingToward ?? nextLevel(coach.settings.level);
}

/** The calendar date `months` months before `date` (the day clamped to the month's end). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export interface MentoringProgress {
  counted: number;
  oneToOne: number;
  group: number;
  /** Minutes in groups above the size limit: not counted. */
  tooLargeGroups: number;
  first?: string;
  last?: string;
  /** The span's rule is met: the last counted session at least `minSpanMonths` after the first. */
  spanMet: boolean;
}

export function mentoringProgress(logs: readonly MentoringLog[], req: Requirements = REQUIREMENTS): MentoringProgress {
  const max = req.mentoring.maxGroupSize;
  const counted = logs.filter((l) => l.groupSize <= max);
  const dates = counted.map((l) => l.date).sort();
  const first = dates[0];
  const last = dates.at(-1);
  const sum = (list: readonly MentoringLog[]) => list.reduce((n, l) => n + l.minutes, 0);
  return {
    counted: sum(counted),
    oneToOne: sum(counted.filter((l) => l.groupSize === 1)),
    group: sum(counted.filter((l) => l.groupSize > 1)),
    tooLargeGroups: sum(logs.filter((l) => l.groupSize > max)),
    first,
    last,
    spanMet: first !== undefined && last !== undefined && last >= addMonths(first, req.mentoring.minSpanMonths),
  };
}

function addMonths(date: string, months: number): string {
  return monthsBefore(date, -months);
}

/** Hours to one decimal: 90 minutes is "1.5 h". */
export const hours = (minutes: number) => `${Number((minutes / 60).toFixed(1)).toLocaleString('en')} h`;
const missing = (have: number, need: number, unit: (n: number) => string) =>
  have >= need ? 'met' : `${unit(need - have)} to go`;
const count = (n: number) => `${n}`;

export function logMessage(args: {
  target: Level;
  totals: SessionTotals;
  mentoring: readonly MentoringLog[];
  today: string;
  req?: Requirements;
}): Message {
  const req = args.req ?? REQUIREMENTS;
  const { target, totals, today } = args;
  const need = req.credentials[target];
  const recentFrom = monthsBefore(today, need.recentMonths);
  const m = mentoringProgress(args.mentoring, req);
  const mr = req.mentoring;
  const toMinutes = (h: number) => h * 60;
  const fields = [
    {
      label: 'Coaching hours',
      value: `${hours(totals.minutes)} of ${need.hours} h · ${missing(totals.minutes, toMinutes(need.hours), hours)}`,
    },
    {
      label: 'Paid',
      value: `${hours(totals.paidMinutes)} of ${need.paidHours} h · ${missing(totals.paidMinutes, toMinutes(need.paidHours), hours)}`,
    },
    { label: 'Pro bono', value: `${hours(totals.minutes - totals.paidMinutes)} (counts toward the total)` },
    {
      label: 'Clients',
      value: `${totals.clients} of ${need.clients} · ${missing(totals.clients, need.clients, (n) => `${count(n)} more`)}`,
    },
    {
      label: `Last ${need.recentMonths} months`,
      value:
        need.recentHours === null
          ? `${hours(totals.recentMinutes)} (since ${recentFrom}; ${target} sets no figure)`
          : `${hours(totals.recentMinutes)} of ${need.recentHours} h since ${recentFrom} · ${missing(totals.recentMinutes, toMinutes(need.recentHours), hours)}`,
    },
    {
      label: 'Mentor coaching',
      value: `${hours(m.counted)} of ${mr.hours} h · ${missing(m.counted, toMinutes(mr.hours), hours)}`,
    },
    {
      label: 'One-to-one',
      value: `${hours(m.oneToOne)} of ${mr.oneToOneHours} h · ${missing(m.oneToOne, toMinutes(mr.oneToOneHours), hours)}`,
    },
    {
      label: 'Span',
      value: spanText(m, mr.minSpanMonths),
    },
    {
      label: 'Group size',
      value:
        m.tooLargeGroups > 0
          ? `${hours(m.tooLargeGroups)} in groups over ${mr.maxGroupSize} not counted; groups of up to ${mr.maxGroupSize} count`
          : `groups of up to ${mr.maxGroupSize} count (${hours(m.group)} so far)`,
    },
  ];
  return message(
    [
      `Your coaching log against *${target}*: ${totals.sessions} session${totals.sessions === 1 ? '' : 's'} logged in Trellis.`,
    ],
    {
      title: `Credential log: ${target}`,
      fields,
      footer: `ICF requirements ${req.version}, checked ${req.checked}; check ICF's site before applying. Marker ratings use rubric ${RUBRIC.version}. Log a session: /selfcheck session 60 paid C17 · mentoring: /selfcheck mentoring 60 1:1`,
    },
  );
}

function spanText(m: MentoringProgress, months: number): string {
  if (!m.first || !m.last) return `none yet: mentor coaching must spread over at least ${months} months`;
  const days = daysBetween(m.first, m.last);
  if (m.spanMet) return `${m.first} to ${m.last} (${days} days) · met`;
  return `${m.first} to ${m.last} (${days} days) · needs to reach ${addMonths(m.first, months)}`;
}

/** "acc", "PCC": a credential named in a command, or undefined. */
export function parseLevel(text: string): Level | undefined {
  const t = text.trim().toUpperCase();
  return (LEVELS as readonly string[]).includes(t) ? (t as Level) : undefined;
}
