import { formatDate, nextPromptText } from './dates';
import { TrellisError } from './errors';
import { LEVELS, type Level, type Settings, type Weekday } from './model';
import { formatPractices, parsePractices } from './practice';
import { addDays, canonicalTimeZone, isValidDate, parseTimeOfDay } from './time';

export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** 1-7 for a day's name or an abbreviation of at least three letters ("thu", "thurs", "thursday"); 0 otherwise. */
function dayNumber(name: string): number {
  if (name.length < 3) return 0;
  return FULL_DAY_NAMES.findIndex((full) => full.startsWith(name)) + 1;
}

export function defaultSettings(timeZone: string): Settings {
  return {
    promptTime: '09:00',
    promptDays: [1, 2, 3, 4, 5],
    timeZone,
    level: null,
    workingToward: null,
    practices: [],
    pausedUntil: null,
  };
}

function invalid(message: string): never {
  throw new TrellisError('invalid_setting', message);
}

/** "mon-fri", "weekdays", "daily", "mon,wed,fri", "tue thu". */
export function parseDays(input: string): Weekday[] {
  const text = input.trim().toLowerCase();
  if (['weekdays', 'workdays'].includes(text)) return [1, 2, 3, 4, 5];
  if (['daily', 'every day', 'everyday', 'all'].includes(text)) return [1, 2, 3, 4, 5, 6, 7];
  if (text === 'weekends') return [6, 7];
  const days = new Set<Weekday>();
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^([a-z]+)-([a-z]+)$/.exec(part);
    const ends = range ? [range[1], range[2]] : [part, part];
    const [from, to] = ends.map(dayNumber);
    if (from === 0 || to === 0)
      invalid(`One of those is not a day: use mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or "weekdays".`);
    for (let d = from; ; d = (d % 7) + 1) {
      days.add(d as Weekday);
      if (d === to) break;
    }
  }
  if (days.size === 0) invalid('Name at least one day, for example "mon-fri" or "mon,wed,fri".');
  return [...days].sort((a, b) => a - b);
}

export function formatDays(days: readonly Weekday[]): string {
  const key = days.join(',');
  if (key === '1,2,3,4,5') return 'Monday to Friday';
  if (key === '1,2,3,4,5,6,7') return 'every day';
  return days.map((d) => DAY_NAMES[d - 1][0].toUpperCase() + DAY_NAMES[d - 1].slice(1)).join(', ');
}

export type SettingsChange =
  | { kind: 'show' }
  | { kind: 'update'; settings: Settings; summary: string; timeZoneSetByCoach: boolean };

const USAGE =
  'Try: settings time 08:30 · settings days mon-fri · settings tz Europe/London · settings level PCC · settings toward MCC · settings practice private,virtual · settings pause 2w · settings resume';

/** "ACC", "pcc", "none": a credential, or null for none; anything else says what to type. */
function parseLevel(value: string, what: string): Level | null {
  const upper = value.trim().toUpperCase();
  if (upper === 'NONE' || upper === 'ANY' || upper === '') {
    if (upper === '') invalid(`Name the ${what}: ACC, PCC, MCC, or none.`);
    return null;
  }
  if ((LEVELS as readonly string[]).includes(upper)) return upper as Level;
  invalid(`That is not a credential: use ACC, PCC, MCC, or none.`);
}

const rank = (level: Level) => LEVELS.indexOf(level);

/** The credential worked toward is one above the one held: a coach holding it (or a higher one) is past it. */
function towardStillAhead(level: Level | null, toward: Level | null): boolean {
  return toward === null || level === null || rank(toward) > rank(level);
}

/** Applies "settings <what> <value>" to the current settings, or explains what to fix. */
export function applySettingsCommand(args: string, current: Settings, today: string): SettingsChange {
  const text = args.trim();
  if (text === '') return { kind: 'show' };
  const [what, ...rest] = text.split(/\s+/);
  const value = rest.join(' ');
  const next: Settings = { ...current, promptDays: [...current.promptDays] };
  switch (what.toLowerCase()) {
    case 'time': {
      const time = parseTimeOfDay(value);
      if (!time) invalid(`That is not a time of day: use 24-hour HH:MM such as 08:30, or 8:30am.`);
      next.promptTime = time;
      return {
        kind: 'update',
        settings: next,
        summary: `Daily prompt time set to ${time}.`,
        timeZoneSetByCoach: false,
      };
    }
    case 'days': {
      next.promptDays = parseDays(value);
      return {
        kind: 'update',
        settings: next,
        summary: `Prompt days set to ${formatDays(next.promptDays)}.`,
        timeZoneSetByCoach: false,
      };
    }
    case 'tz':
    case 'timezone':
    case 'zone': {
      // Stored under Intl's canonical spelling: "europe/london" becomes "Europe/London".
      const zone = canonicalTimeZone(value);
      if (!zone) invalid(`That is not a time zone I know: use an IANA name such as Europe/London or America/New_York.`);
      next.timeZone = zone;
      return { kind: 'update', settings: next, summary: `Time zone set to ${zone}.`, timeZoneSetByCoach: true };
    }
    case 'level': {
      next.level = parseLevel(value, 'credential you hold');
      // Holding the credential worked toward (or a higher one): that goal is reached.
      const reached = !towardStillAhead(next.level, next.workingToward);
      if (reached) next.workingToward = null;
      return {
        kind: 'update',
        settings: next,
        summary: `Level set to ${next.level ?? 'none'}.${reached ? ' Working toward: cleared, since you hold it.' : ''}`,
        timeZoneSetByCoach: false,
      };
    }
    case 'toward':
    case 'working-toward': {
      const toward = parseLevel(value, 'credential you are working toward');
      if (!towardStillAhead(next.level, toward))
        invalid(
          `You hold ${next.level} already: name a higher credential, or "settings level" to change the one you hold.`,
        );
      next.workingToward = toward;
      return {
        kind: 'update',
        settings: next,
        summary: toward ? `Working toward ${toward}.` : 'Working toward: none.',
        timeZoneSetByCoach: false,
      };
    }
    case 'practice':
    case 'practices': {
      next.practices = parsePractices(value);
      return {
        kind: 'update',
        settings: next,
        summary: `Practice set to ${formatPractices(next.practices)}.`,
        timeZoneSetByCoach: false,
      };
    }
    case 'pause': {
      next.pausedUntil = parsePauseUntil(value, today);
      return {
        kind: 'update',
        settings: next,
        summary: `Paused until the end of ${formatDate(next.pausedUntil)}. "settings resume" picks up again sooner.`,
        timeZoneSetByCoach: false,
      };
    }
    case 'resume':
    case 'unpause': {
      next.pausedUntil = null;
      return { kind: 'update', settings: next, summary: 'Prompts resumed.', timeZoneSetByCoach: false };
    }
    default:
      invalid(`I do not know that setting. ${USAGE}`);
  }
}

/** "2026-12-31", "3d", "2w": the last local date of the pause. */
export function parsePauseUntil(value: string, today: string): string {
  const text = value.trim().toLowerCase();
  const rel = /^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$/.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    if (n < 1) invalid('Pause for at least one day.');
    const days = rel[2].startsWith('w') ? n * 7 : n;
    return addDays(today, days - 1);
  }
  if (!isValidDate(text)) invalid(`That is not a date or a length: use YYYY-MM-DD, or a length such as 3d or 2w.`);
  if (text < today) invalid(`${text} is in the past: choose today or a later date.`);
  return text;
}

export function settingsFields(settings: Settings, today: string, now: Date): { label: string; value: string }[] {
  const paused =
    settings.pausedUntil && settings.pausedUntil >= today
      ? `until the end of ${formatDate(settings.pausedUntil)}`
      : 'no';
  return [
    { label: 'Next prompt', value: nextPromptText(settings, now) ?? 'none scheduled' },
    { label: 'Prompt time', value: settings.promptTime },
    { label: 'Days', value: formatDays(settings.promptDays) },
    { label: 'Time zone', value: settings.timeZone },
    { label: 'Level', value: settings.level ?? 'not credentialed' },
    { label: 'Working toward', value: settings.workingToward ?? 'not set' },
    { label: 'Practice', value: formatPractices(settings.practices) },
    { label: 'Paused', value: paused },
  ];
}

export const SETTINGS_USAGE = USAGE;
