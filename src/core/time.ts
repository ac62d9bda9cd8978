/**
 * Calendar arithmetic on local dates ("YYYY-MM-DD") and time-zone conversion through Intl.
 * Local dates are plain strings so a week or year boundary is date arithmetic, never clock arithmetic.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Zone names as Intl lists them, by lower case, to find the right capitals for what a coach typed. */
let zonesByLowerCase: Map<string, string> | undefined;

/**
 * The IANA name of `timeZone` spelled as Intl lists it ("europe/london" -> "Europe/London"), or undefined when it
 * is no zone. A valid name Intl does not list (an alias such as "Etc/GMT+5") is kept as typed.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  const name = timeZone.trim();
  if (!isValidTimeZone(name)) return undefined;
  zonesByLowerCase ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  return zonesByLowerCase.get(name.toLowerCase()) ?? name;
}

export interface LocalParts {
  date: string;
  hour: number;
  minute: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The last answer per time zone, by whole second: Intl's formatToParts costs microseconds and a busy server asks for
 * the same zone many times a second. Exact, since no zone's offset has a fraction of a second.
 */
const lastParts = new Map<string, { second: number; parts: LocalParts }>();

export function localParts(instant: Date, timeZone: string): LocalParts {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastParts.get(timeZone);
  if (last && last.second === second) return { ...last.parts };
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const result: LocalParts = {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday) + 1,
  };
  if (Number.isFinite(second)) lastParts.set(timeZone, { second, parts: result });
  return { ...result };
}

export function localDate(instant: Date, timeZone: string): string {
  return localParts(instant, timeZone).date;
}

function toUtcNoon(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

export function addDays(date: string, days: number): string {
  const d = toUtcNoon(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday of a local date, 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const day = toUtcNoon(date).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday that starts the week holding `date`. */
export function weekStart(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcNoon(to).getTime() - toUtcNoon(from).getTime()) / 86_400_000);
}

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(date: string): boolean {
  if (!DATE_PATTERN.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

export const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Accepts "9", "9:30", "09:30", "9am", "5:15pm"; returns "HH:MM" or undefined. */
export function parseTimeOfDay(input: string): string | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(input.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3]?.toLowerCase();
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
