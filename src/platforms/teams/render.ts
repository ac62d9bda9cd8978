import { type Activity, ActivityTypes, type Attachment, CardFactory } from 'botbuilder';
import { BEHAVIOUR_KEYS, BEHAVIOURS, SCALE } from '../../core/behaviours';
import type { ActionId, Message } from '../../core/message';
import { toPlainText } from '../../core/message';
import { REFLECTION_NOT_SHOWN } from '../../core/privacy-notice';
import { type FieldErrors, NOTE_MAX } from '../../core/selfcheck';
import { REFLECTION_MAX } from '../../core/trellis';

/**
 * Core messages as Teams activities: a plain text reply when the message is only text, otherwise an
 * Adaptive Card. Card buttons are Action.Submit: Teams posts a message activity whose `value` carries
 * the data below, which the bot reads back with `submitDataSchema` (see bot.ts).
 */

export const CARD_VERSION = '1.4';

/** An activity's `summary` is what notifications and clients that cannot show cards display: kept to a line or two. */
const SUMMARY_MAX = 200;
/** Buttons Teams shows in one row of actions (its host config's maxActions). */
const MAX_ACTIONS = 5;

/** What a card's Action.Submit carries back in `activity.value`. */
export type SubmitAction = ActionId | 'selfcheck_submit' | 'reflection_submit' | 'session_submit' | 'settings_submit';
export const ACTION_FIELD = 'trellisAction';

type CardElement = Record<string, unknown>;

/** Core text uses *bold*; Teams markdown uses **bold**. */
export function teamsMarkdown(text: string): string {
  return text.replace(/\*([^*\n]+)\*/g, '**$1**');
}

function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: 'TextBlock', text: teamsMarkdown(text), wrap: true, ...extra };
}

function card(body: CardElement[], actions: CardElement[] = []): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
  });
}

function submit(title: string, action: SubmitAction, value?: string, style?: 'positive' | 'destructive'): CardElement {
  return {
    type: 'Action.Submit',
    title,
    data: { [ACTION_FIELD]: action, ...(value !== undefined ? { value } : {}) },
    ...(style ? { style } : {}),
  };
}

function isTextOnly(m: Message): boolean {
  return !m.title && !m.fields?.length && !m.preformatted?.length && !m.buttons?.length && !m.image && !m.footer;
}

/** The message as a card (title, text, facts, fixed-width lines, image, buttons, footer). */
export function messageCard(m: Message): Attachment {
  const body: CardElement[] = [];
  if (m.title) body.push(textBlock(m.title, { size: 'Medium', weight: 'Bolder' }));
  for (const line of m.lines) body.push(textBlock(line));
  if (m.fields?.length) {
    body.push({ type: 'FactSet', facts: m.fields.map((f) => ({ title: f.label, value: f.value })) });
  }
  if (m.preformatted?.length) body.push(textBlock(m.preformatted.join('\n'), { fontType: 'Monospace' }));
  if (m.image) {
    body.push({
      type: 'Image',
      // At most 1024×1024 pixels, or Teams does not show it: the weekly chart is drawn at 1024×455 (src/charts).
      url: `data:image/png;base64,${Buffer.from(m.image.png).toString('base64')}`,
      altText: m.image.alt,
    });
  }
  const actions = (m.buttons ?? []).map((b) =>
    submit(
      b.label,
      b.action,
      b.value,
      b.style === 'primary' ? 'positive' : b.style === 'danger' ? 'destructive' : undefined,
    ),
  );
  // Teams shows at most MAX_ACTIONS buttons in a row: more (the welcome's answers) go in rows of the body.
  if (actions.length > MAX_ACTIONS) {
    for (let i = 0; i < actions.length; i += MAX_ACTIONS)
      body.push({ type: 'ActionSet', actions: actions.slice(i, i + MAX_ACTIONS) });
  }
  if (m.footer) body.push(textBlock(m.footer, { isSubtle: true, size: 'Small' }));
  return card(body, actions.length > MAX_ACTIONS ? [] : actions);
}

/** The activity to send for a core message. */
export function renderActivity(m: Message): Partial<Activity> {
  if (isTextOnly(m)) {
    return { type: ActivityTypes.Message, text: teamsMarkdown(m.lines.join('\n\n')), textFormat: 'markdown' };
  }
  return cardActivity(messageCard(m), toPlainText(m));
}

/** A message activity carrying one card, with the plain-text summary shown where the card cannot be. */
export function cardActivity(attachment: Attachment, summary: string): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [attachment], summary: summary.slice(0, SUMMARY_MAX) };
}

/** A submitted card replaced by its answer (same summary as the answer sent on its own). */
export function cardUpdate(activityId: string, reply: Message): Partial<Activity> {
  return { ...cardActivity(messageCard(reply), toPlainText(reply)), id: activityId };
}

export interface SelfCheckFormState {
  /** What the coach chose before, so an invalid submit keeps their answers. */
  values?: Partial<Record<string, string>>;
  note?: string;
  errors?: FieldErrors;
}

const errorBlock = (text: string): CardElement => textBlock(text, { color: 'Attention', spacing: 'None' });

/** The self-check as a card: six 1–5 choice sets with the scale's labels (unanswered = skipped) and a note. */
export function selfCheckCard(state: SelfCheckFormState = {}): Attachment {
  const errors = state.errors ?? {};
  const body: CardElement[] = [
    textBlock('Self-check: Cultivates Trust and Safety', { size: 'Medium', weight: 'Bolder' }),
    textBlock('How often did you show each behaviour in your recent sessions? Leave one empty to skip it.', {
      isSubtle: true,
    }),
  ];
  if (errors.form) body.push(errorBlock(errors.form));
  const choices = SCALE.map((s) => ({ title: `${s.value} ${s.label}`, value: String(s.value) }));
  for (const b of BEHAVIOURS) {
    const value = state.values?.[b.key];
    body.push({
      type: 'Input.ChoiceSet',
      id: b.key,
      label: b.label,
      style: 'compact',
      isRequired: false,
      placeholder: 'Skip',
      choices,
      ...(value && /^[1-5]$/.test(value) ? { value } : {}),
    });
    const error = errors[b.key];
    if (error) body.push(errorBlock(error));
  }
  body.push({
    type: 'Input.Text',
    id: 'note',
    label: 'A note for yourself (optional)',
    isMultiline: true,
    maxLength: NOTE_MAX,
    placeholder: `What stood out? ${REFLECTION_NOT_SHOWN}`,
    ...(state.note ? { value: state.note } : {}),
  });
  if (errors.note) body.push(errorBlock(errors.note));
  return card(body, [submit('Save self-check', 'selfcheck_submit', undefined, 'positive')]);
}

/** The self-check card as an activity. */
export function selfCheckActivity(state: SelfCheckFormState = {}): Partial<Activity> {
  const problems = Object.values(state.errors ?? {}).filter(Boolean);
  const summary = problems.length ? `Self-check: ${problems.join(' ')}` : 'Self-check: rate the six behaviours';
  return cardActivity(selfCheckCard(state), summary);
}

/** The reflection card as an activity. */
export function reflectionActivity(issueId: string, promptText?: string, error?: string): Partial<Activity> {
  return cardActivity(
    reflectionCard(issueId, promptText, error),
    error ?? 'Your reflection: a few lines about one moment',
  );
}

/** The card behind a prompt's Reflect button: the prompt and a text box. */
export function reflectionCard(issueId: string, promptText?: string, error?: string): Attachment {
  const body: CardElement[] = [textBlock('Your reflection', { size: 'Medium', weight: 'Bolder' })];
  if (promptText) body.push(textBlock(promptText));
  body.push({
    type: 'Input.Text',
    id: 'reflection',
    label: 'A few lines about one moment (your group sees it only if you share it)',
    isMultiline: true,
    maxLength: REFLECTION_MAX,
  });
  if (error) body.push(errorBlock(error));
  return card(body, [submit('Save reflection', 'reflection_submit', issueId, 'positive')]);
}

/** The form's field ids, for reading a submit back. */
export const SELFCHECK_FIELDS = [...BEHAVIOUR_KEYS, 'note'] as const;
