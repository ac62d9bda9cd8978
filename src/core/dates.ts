/**
 * How Trellis writes dates for people, in every view (trend, summary, App Home, the weekly DM, history, settings):
 * one day is "Mon 30 Nov 2026", one week "23–29 Nov 2026". Stored dates stay "YYYY-MM-DD".
 */
import type { Settings } from './model';
import { localTimeOf, nextOccurrenceAfter } from './schedule';
import { addDays, daysBetween, localDate, weekdayOf } from './time';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon 30 Nov 2026". */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${WEEKDAY_NAMES[weekdayOf(date) - 1]} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** "28 Dec 2026 – 3 Jan 2027", "30 Nov – 6 Dec 2026", "16–22 Nov 2026": a Monday-to-Sunday week. */
export function formatWeek(monday: string): string {
  // A weekly run writes the same few weeks for thousands of coaches: each is worked out once.
  let text = weekTexts.get(monday);
  if (text === undefined) {
    text = wordWeek(monday);
    if (weekTexts.size >= 1_000) weekTexts.clear();
    weekTexts.set(monday, text);
  }
  return text;
}

const weekTexts = new Map<string, string>();

function wordWeek(monday: string): string {
  const sunday = addDays(monday, 6);
  const [y1, m1, d1] = monday.split('-').map(Number);
  const [y2, m2, d2] = sunday.split('-').map(Number);
  if (y1 !== y2) return `${d1} ${MONTHS[m1 - 1]} ${y1} – ${d2} ${MONTHS[m2 - 1]} ${y2}`;
  if (m1 !== m2) return `${d1} ${MONTHS[m1 - 1]} – ${d2} ${MONTHS[m2 - 1]} ${y2}`;
  return `${d1}–${d2} ${MONTHS[m2 - 1]} ${y2}`;
}

/**
 * When the coach's next prompt comes, on their clock: "Wed 09:00 Europe/London" within the coming week, the date
 * as well when it is further off ("Mon 14 Dec 2026 09:00 Europe/London"); undefined when no prompt is scheduled.
 */
export function nextPromptText(settings: Settings, now: Date): string | undefined {
  const next = nextOccurrenceAfter(settings, now);
  if (!next) return undefined;
  const today = localDate(now, settings.timeZone);
  const soon = daysBetween(today, next.localDate) < 7;
  const day = soon ? WEEKDAY_NAMES[weekdayOf(next.localDate) - 1] : formatDate(next.localDate);
  return `${day} ${localTimeOf(next.dueUtc, settings.timeZone)} ${settings.timeZone}`;
}
