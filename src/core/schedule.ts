/**
 * When a coach's prompts are due, as UTC instants computed from their local schedule.
 * Pure: no SQL, no cron, no clock of its own. Every time-zone rule comes from Intl (the IANA database
 * bundled with Node), so daylight-saving jumps, 30- and 45-minute offsets and rule changes are exact.
 */
import type { Settings } from './model';
import { addDays, localDate, localParts, weekdayOf } from './time';

/** One scheduled prompt: the coach's local date it belongs to and the UTC instant it is due. */
export interface Occurrence {
  localDate: string;
  dueUtc: Date;
}

const MINUTE = 60_000;

/** The wall-clock reading at `instant` in `timeZone`, as if that reading were UTC (minute precision). */
function wallClockMs(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  const [y, m, d] = p.date.split('-').map(Number);
  return Date.UTC(y, m - 1, d, p.hour, p.minute);
}

/** How far local time is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / MINUTE) * MINUTE;
  return wallClockMs(whole, timeZone) - whole;
}

/**
 * The UTC instant at which the local clock in `timeZone` reads `time` ("HH:MM") on `date`.
 * - A time that does not exist (the hour skipped when clocks go forward) resolves to the first valid minute
 *   after the jump: 02:30 on a day that goes from 02:00 to 03:00 is 03:00.
 * - A time that happens twice (clocks go back) resolves to its first occurrence, so it is due once.
 */
export function localTimeToUtc(date: string, time: string, timeZone: string): Date {
  // Thousands of coaches share a handful of zones and times: remember answers (Intl is the costly part).
  const key = `${timeZone}|${date}|${time}`;
  let cached = resolved.get(key);
  if (cached === undefined) {
    if (resolved.size >= 50_000) resolved.clear();
    cached = resolveLocalTime(date, time, timeZone);
    resolved.set(key, cached);
  }
  return new Date(cached);
}

const resolved = new Map<string, number>();

function resolveLocalTime(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The offset can only be one of the offsets in force within a day either side; try both.
  const offsets = new Set([offsetAt(wall - 86_400_000, timeZone), offsetAt(wall + 86_400_000, timeZone)]);
  offsets.add(offsetAt(wall, timeZone));
  const matches: number[] = [];
  for (const offset of offsets) {
    const candidate = wall - offset;
    if (wallClockMs(candidate, timeZone) === wall) matches.push(candidate);
  }
  if (matches.length) return Math.min(...matches);
  // A gap: find the first minute after the jump. Before it the clock reads earlier than `wall`, after it later.
  let low = wall - Math.max(...offsets); // reads before `wall`
  let high = wall - Math.min(...offsets); // reads after `wall`
  if (low > high) [low, high] = [high, low];
  while (high - low > MINUTE) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (wallClockMs(mid, timeZone) < wall) low = mid;
    else high = mid;
  }
  return high;
}

/** True when the coach gets a prompt on this local date: a chosen weekday and not paused. */
export function isPromptDay(settings: Settings, date: string): boolean {
  if (settings.pausedUntil && date <= settings.pausedUntil) return false;
  return (settings.promptDays as number[]).includes(weekdayOf(date));
}

/** The coach's prompt on a local date, or undefined when that date has none. */
export function occurrenceOn(settings: Settings, date: string): Occurrence | undefined {
  if (!isPromptDay(settings, date)) return undefined;
  const key = `${settings.timeZone}|${date}|${settings.promptTime}`;
  let due = dueOnDate.get(key);
  if (due === undefined) {
    const instant = localTimeToUtc(date, settings.promptTime, settings.timeZone);
    // A date a zone skipped whole (Samoa, 30 December 2011) has no prompt of its own.
    due = localDate(instant, settings.timeZone) === date ? instant.getTime() : null;
    if (dueOnDate.size >= 50_000) dueOnDate.clear();
    dueOnDate.set(key, due);
  }
  return due === null ? undefined : { localDate: date, dueUtc: new Date(due) };
}

/** (zone, date, time) → due instant, or null for a skipped date: a tick asks the same few questions thousands of times. */
const dueOnDate = new Map<string, number | null>();

/** The local date at an instant, remembered for the last instant asked per zone (one tick, many coaches). */
const lastLocalDate = new Map<string, { at: number; date: string }>();
function localDateCached(instant: Date, timeZone: string): string {
  const at = instant.getTime();
  const hit = lastLocalDate.get(timeZone);
  if (hit && hit.at === at) return hit.date;
  const date = localDate(instant, timeZone);
  if (lastLocalDate.size >= 1_000) lastLocalDate.clear();
  lastLocalDate.set(timeZone, { at, date });
  return date;
}

/** The first prompt due strictly after `instant`, or undefined when the schedule has no prompt days. */
export function nextOccurrenceAfter(settings: Settings, instant: Date): Occurrence | undefined {
  if (settings.promptDays.length === 0) return undefined;
  let date = addDays(localDateCached(instant, settings.timeZone), -1);
  if (settings.pausedUntil && settings.pausedUntil >= date) date = addDays(settings.pausedUntil, 1);
  // Seven days always hold a prompt day, but a zone can skip a whole date (Samoa, 30 December 2011: a coach with
  // Fridays only then waits two weeks); a few more cover a due time pushed over midnight.
  for (let i = 0; i < 17; i++, date = addDays(date, 1)) {
    const occurrence = occurrenceOn(settings, date);
    if (occurrence && occurrence.dueUtc.getTime() > instant.getTime()) return occurrence;
  }
  return undefined;
}

/** The most recent prompt due at or before `instant`, looking back at most `lookbackDays`. */
export function latestOccurrenceAtOrBefore(
  settings: Settings,
  instant: Date,
  lookbackDays = 8,
): Occurrence | undefined {
  let date = addDays(localDateCached(instant, settings.timeZone), 1);
  for (let i = 0; i <= lookbackDays + 1; i++, date = addDays(date, -1)) {
    const occurrence = occurrenceOn(settings, date);
    if (occurrence && occurrence.dueUtc.getTime() <= instant.getTime()) return occurrence;
  }
  return undefined;
}

export interface DuePlan {
  /** The prompt to send now: the latest one due, if it is no older than the catch-up window. */
  send?: Occurrence;
  /** A prompt that was due but is older than the catch-up window: not sent. */
  missed?: Occurrence;
  /** When to look at this coach again. */
  next?: Occurrence;
}

/**
 * What a tick at `now` does for a coach whose stored next-due instant has passed. Only the latest due prompt
 * counts (a coach never gets two at once), and only within `catchUpMinutes` of its time: Trellis down at 09:00
 * and back at 11:00 still sends today's prompt, but never yesterday's.
 */
export function planDue(settings: Settings, now: Date, catchUpMinutes: number): DuePlan {
  const latest = latestOccurrenceAtOrBefore(settings, now);
  const next = nextOccurrenceAfter(settings, now);
  if (!latest) return { next };
  const late = now.getTime() - latest.dueUtc.getTime();
  return late <= catchUpMinutes * MINUTE ? { send: latest, next } : { missed: latest, next };
}

/** "HH:MM" on the coach's clock at `instant`. */
export function localTimeOf(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}
