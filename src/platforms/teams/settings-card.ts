import { type Activity, CardFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { nextPromptText } from '../../core/dates';
import type { CoachRef, Settings } from '../../core/model';
import {
  DAY_CHOICES,
  errorsText,
  FORM_FIELDS,
  FORM_LABELS,
  type FormErrors,
  type FormField,
  LEVEL_CHOICES,
  NONE,
  PRACTICE_CHOICES_FORM,
  type SettingsFormInput,
  saveSettingsForm,
  TOWARD_CHOICES,
} from '../../core/profile-form';
import type { RequestContext, Trellis } from '../../core/trellis';
import { ACTION_FIELD, CARD_VERSION, cardActivity, cardUpdate, renderActivity, teamsMarkdown } from './render';

/**
 * `selfcheck settings` (and the Settings buttons) in Teams: one Adaptive Card with the prompt time and days, the
 * credential held and worked toward, the kinds of practice and the pause, as Slack's settings modal has them. Its
 * Save is checked by the core (profile-form.ts): the card is replaced by the saved settings, or sent back with the
 * coach's choices kept and each problem beside its field.
 */

type CardElement = Record<string, unknown>;
/** The card's inputs as Teams posts them back: every value a string (a multi-select's choices comma-separated). */
type Values = Partial<Record<FormField, string>>;

const text = (t: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: teamsMarkdown(t),
  wrap: true,
  ...extra,
});
const errorBlock = (t: string): CardElement => text(t, { color: 'Attention', spacing: 'None' });
const choices = (list: readonly { value: string; label: string }[]) =>
  list.map((c) => ({ title: c.label, value: c.value }));

/** The values a card shows for the coach's current settings. */
function currentValues(settings: Settings): Values {
  return {
    time: settings.promptTime,
    days: settings.promptDays.join(','),
    level: settings.level ?? NONE,
    toward: settings.workingToward ?? NONE,
    practices: settings.practices.join(','),
    pause: settings.pausedUntil ?? '',
  };
}

export function settingsCardActivity(
  settings: Settings,
  now: Date,
  state: { values?: Values; errors?: FormErrors } = {},
): Partial<Activity> {
  const values: Values = { ...currentValues(settings), ...state.values };
  const errors = state.errors ?? {};
  const next = nextPromptText(settings, now);
  const body: CardElement[] = [
    text('Your settings', { size: 'Medium', weight: 'Bolder' }),
    text(`*Next prompt:* ${next ?? 'none scheduled'}`),
    text(`Time zone: ${settings.timeZone}. To set another, type "settings tz Area/City".`, { isSubtle: true }),
  ];
  const field = (id: FormField, element: CardElement) => {
    const value = values[id];
    body.push({ id, label: FORM_LABELS[id], ...element, ...(value ? { value } : {}) });
    if (errors[id]) body.push(errorBlock(errors[id] as string));
  };
  field('time', { type: 'Input.Time' });
  field('days', { type: 'Input.ChoiceSet', isMultiSelect: true, style: 'expanded', choices: choices(DAY_CHOICES) });
  field('level', { type: 'Input.ChoiceSet', style: 'compact', choices: choices(LEVEL_CHOICES) });
  field('toward', { type: 'Input.ChoiceSet', style: 'compact', choices: choices(TOWARD_CHOICES) });
  field('practices', {
    type: 'Input.ChoiceSet',
    isMultiSelect: true,
    style: 'expanded',
    choices: choices(PRACTICE_CHOICES_FORM),
  });
  body.push(
    text('Prompts written for one setting (a sponsor, a video call) go only to coaches who work in it.', {
      isSubtle: true,
      size: 'Small',
      spacing: 'None',
    }),
  );
  field('pause', { type: 'Input.Date' });
  const attachment = CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    actions: [{ type: 'Action.Submit', title: 'Save', style: 'positive', data: { [ACTION_FIELD]: 'settings_submit' } }],
  });
  const problems = errorsText(errors);
  return cardActivity(attachment, problems ? `Your settings: ${problems}` : 'Your settings');
}

/** A submitted card's inputs: strings, each short; anything else in the submission is ignored. */
const cardSchema = z.looseObject(
  Object.fromEntries(FORM_FIELDS.map((f) => [f, z.string().max(400).optional()])) as Record<
    FormField,
    z.ZodOptional<z.ZodString>
  >,
);

/**
 * The card's inputs as the core's form. The card always carries every input, and Teams leaves an empty one out: an
 * absent time or days is refused, an absent practice list is none, an absent pause no pause.
 */
export function readSettingsCard(value: unknown): { input: SettingsFormInput; values: Values } | undefined {
  const parsed = cardSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  const values: Values = {};
  for (const f of FORM_FIELDS) if (v[f] !== undefined) values[f] = v[f];
  const input: SettingsFormInput = {
    time: v.time ?? '',
    days: v.days ?? '',
    practices: v.practices ?? '',
    pause: v.pause ?? null,
    ...(v.level !== undefined ? { level: v.level } : {}),
    ...(v.toward !== undefined ? { toward: v.toward } : {}),
  };
  return { input, values };
}

/** The card's Save: every setting stored at once and the card replaced by the answer, or sent back with the problems. */
export async function submitSettingsCard(
  context: TurnContext,
  trellis: Trellis,
  ref: CoachRef,
  ctx: RequestContext,
): Promise<void> {
  const read = readSettingsCard(context.activity.value);
  const coach = trellis.coach(ref, ctx);
  if (!read) {
    const errors: FormErrors = { time: 'The card arrived incomplete: choose your settings again.' };
    await context.sendActivity(settingsCardActivity(coach.settings, trellis.now(), { errors }));
    return;
  }
  const saved = saveSettingsForm(trellis, ref, read.input, ctx);
  if (!saved.ok) {
    await context.sendActivity(
      settingsCardActivity(coach.settings, trellis.now(), { values: read.values, errors: saved.errors }),
    );
    return;
  }
  const cardId = context.activity.replyToId;
  if (cardId) await context.updateActivity(cardUpdate(cardId, saved.reply));
  else await context.sendActivity(renderActivity(saved.reply));
}
