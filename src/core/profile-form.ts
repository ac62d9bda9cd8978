/**
 * The settings form (Slack's settings modal, Teams' settings card, `settings profile …` typed): the prompt time and
 * days, the pause, and the coach's profile (the credential held, the one worked toward, the kinds of practice) read
 * as one change, checked with zod and the same rules as the typed settings, or each field's problem said beside it.
 * Nothing is stored half: a form with any problem changes nothing. No message repeats what was sent.
 */
import { z } from 'zod';
import { type Message, message } from './message';
import { type Coach, type CoachRef, LEVELS, type Level, type Settings, type Weekday } from './model';
import { PRACTICE_LABELS, PRACTICES, type Practice, practiceSchema, sortPractices } from './practice';
import { DAY_NAMES, parsePauseUntil, SETTINGS_USAGE, settingsFields } from './settings';
import { parseTimeOfDay } from './time';
import type { RequestContext } from './trellis';

/** The form's fields: the ids of the Slack blocks and of the Teams card's inputs. */
export const FORM_FIELDS = ['time', 'days', 'level', 'toward', 'practices', 'pause'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormErrors = Partial<Record<FormField, string>>;

/** A choice's value for "no credential" / "not working toward one". */
export const NONE = 'none';

export const LEVEL_CHOICES: { value: string; label: string }[] = [
  ...LEVELS.map((l) => ({ value: l, label: l })),
  { value: NONE, label: 'Not credentialed' },
];
export const TOWARD_CHOICES: { value: string; label: string }[] = [
  ...LEVELS.map((l) => ({ value: l, label: l })),
  { value: NONE, label: 'Not working toward one' },
];
export const PRACTICE_CHOICES_FORM: { value: Practice; label: string }[] = PRACTICES.map((p) => ({
  value: p,
  label: PRACTICE_LABELS[p],
}));
export const DAY_CHOICES: { value: string; label: string }[] = DAY_NAMES.map((d, i) => ({
  value: String(i + 1),
  label: d[0].toUpperCase() + d.slice(1),
}));

export const FORM_LABELS: Record<FormField, string> = {
  time: 'Daily prompt time',
  days: 'Prompt days',
  level: 'Credential you hold',
  toward: 'Credential you are working toward',
  practices: 'Your kinds of practice',
  pause: 'Pause prompts until (inclusive)',
};

/** A list as a platform sends it: Slack an array of option values, Teams one comma-separated string. */
const list = z
  .union([z.array(z.string().max(40)).max(20), z.string().max(400)])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

/**
 * What a form sends. A field left out keeps its current value; an empty level, toward or pause clears it, and an
 * empty practices list (or days list, which is refused) means none chosen.
 */
export const settingsFormSchema = z.object({
  time: z.string().max(20).optional(),
  days: list.optional(),
  level: z.string().max(20).nullable().optional(),
  toward: z.string().max(20).nullable().optional(),
  practices: list.optional(),
  pause: z.string().max(20).nullable().optional(),
});
export type SettingsFormInput = z.input<typeof settingsFormSchema>;

const rank = (level: Level) => LEVELS.indexOf(level);
const levelSchema = z.enum(LEVELS);

/** The credential in a choice: null for none or empty, undefined when it is not one (a problem to say). */
function readLevel(value: string | null | undefined): Level | null | undefined {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === NONE) return null;
  return levelSchema.safeParse(text.toUpperCase()).data;
}

export type FormResult = { ok: true; settings: Settings } | { ok: false; errors: FormErrors };

/** Reads a submitted settings form into the coach's new settings, or says beside each field what to fix. */
export function readSettingsForm(input: unknown, current: Settings, today: string): FormResult {
  const parsed = settingsFormSchema.safeParse(input);
  if (!parsed.success) {
    const errors: FormErrors = {};
    for (const issue of parsed.error.issues) {
      const field = FORM_FIELDS.find((f) => f === issue.path[0]) ?? 'time';
      errors[field] ??= 'This field could not be read: choose it again.';
    }
    return { ok: false, errors };
  }
  const form = parsed.data;
  const errors: FormErrors = {};
  const next: Settings = { ...current, promptDays: [...current.promptDays], practices: [...current.practices] };

  if (form.time !== undefined) {
    const time = parseTimeOfDay(form.time);
    if (time) next.promptTime = time;
    else errors.time = 'Choose a time of day for your prompt (24-hour HH:MM, such as 08:30).';
  }
  if (form.days !== undefined) {
    const days = form.days.map(Number).filter((d): d is Weekday => Number.isInteger(d) && d >= 1 && d <= 7);
    if (days.length !== form.days.length) errors.days = 'One of the days could not be read: choose them again.';
    else if (days.length === 0) errors.days = 'Choose at least one day.';
    else next.promptDays = [...new Set(days)].sort((a, b) => a - b);
  }
  if (form.level !== undefined) {
    const level = readLevel(form.level);
    if (level === undefined) errors.level = 'Choose ACC, PCC, MCC, or Not credentialed.';
    else next.level = level;
  }
  if (form.toward !== undefined) {
    const toward = readLevel(form.toward);
    if (toward === undefined) errors.toward = 'Choose ACC, PCC, MCC, or Not working toward one.';
    else next.workingToward = toward;
  }
  if (!errors.level && !errors.toward && next.workingToward !== null && next.level !== null) {
    if (rank(next.workingToward) <= rank(next.level)) {
      // The typed "settings level" clears a goal once it is held; a form that sets both says which to change.
      if (form.toward !== undefined)
        errors.toward = `You hold ${next.level}: choose a higher credential to work toward, or Not working toward one.`;
      else next.workingToward = null;
    }
  }
  if (form.practices !== undefined) {
    const chosen = form.practices.map((p) => practiceSchema.safeParse(p).data);
    if (chosen.some((p) => p === undefined))
      errors.practices = `One of those is not a kind of practice: choose from ${PRACTICES.map((p) => PRACTICE_LABELS[p]).join(', ')}.`;
    else next.practices = sortPractices(chosen as Practice[]);
  }
  if (form.pause !== undefined) {
    const until = (form.pause ?? '').trim();
    if (until === '') next.pausedUntil = null;
    else {
      try {
        next.pausedUntil = parsePauseUntil(until, today);
      } catch (error) {
        errors.pause = (error as Error).message;
      }
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, settings: next };
}

/**
 * `settings profile level PCC toward MCC practice private,virtual`: the profile typed in one go (any part may be left
 * out, `none` clears), checked as the forms are. Undefined when the words are not of that shape.
 */
export function parseTypedProfile(args: string): SettingsFormInput | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const form: SettingsFormInput = {};
  for (let i = 0; i < words.length; i += 2) {
    const key = words[i].toLowerCase();
    const value = words[i + 1];
    if (value === undefined) return undefined;
    if (key === 'level') form.level = value;
    else if (key === 'toward' || key === 'working-toward') form.toward = value;
    else if (key === 'practice' || key === 'practices') form.practices = value.toLowerCase() === NONE ? [] : value;
    else return undefined;
  }
  return words.length ? form : undefined;
}

/** Usage of the typed profile, for its errors. */
export const PROFILE_USAGE =
  'Type "settings profile level PCC toward MCC practice private,virtual" (any part may be left out; "none" clears one).';

/** The answer to a saved form: "Settings saved." and every setting, with the next prompt. */
export function savedMessage(settings: Settings, today: string, now: Date): Message {
  return message(['Settings saved.'], {
    title: 'Your settings',
    fields: settingsFields(settings, today, now),
    footer: SETTINGS_USAGE,
  });
}

/** The form's problems as one message (the terminal, and a card's summary), in the fields' order. */
export function errorsText(errors: FormErrors): string {
  return FORM_FIELDS.flatMap((f) => (errors[f] ? [`${FORM_LABELS[f]}: ${errors[f]}`] : [])).join(' ');
}

/** What saving a form needs of the core. */
export interface SettingsCore {
  coach(ref: CoachRef, ctx?: RequestContext): Coach;
  today(coach: Coach): string;
  now(): Date;
  updateSettings(ref: CoachRef, settings: Settings, ctx?: RequestContext): Coach;
}

/**
 * Saves a submitted form: every setting at once, or nothing and the problems by field. The answer is the saved
 * settings (with the next prompt).
 */
export function saveSettingsForm(
  core: SettingsCore,
  ref: CoachRef,
  input: unknown,
  ctx: RequestContext = {},
): { ok: true; reply: Message; settings: Settings } | { ok: false; errors: FormErrors } {
  const coach = core.coach(ref, ctx);
  const today = core.today(coach);
  const result = readSettingsForm(input, coach.settings, today);
  if (!result.ok) return result;
  const saved = core.updateSettings(ref, result.settings, ctx);
  return { ok: true, reply: savedMessage(saved.settings, today, core.now()), settings: saved.settings };
}

/** `settings profile …` typed: saved as one change, or the problems named (never the words typed). */
export function typedProfile(core: SettingsCore, ref: CoachRef, args: string, ctx: RequestContext = {}): Message {
  const form = parseTypedProfile(args);
  if (!form) return message(PROFILE_USAGE);
  const result = saveSettingsForm(core, ref, form, ctx);
  if (!result.ok) return message([`Nothing was changed. ${errorsText(result.errors)}`], { footer: PROFILE_USAGE });
  return result.reply;
}
