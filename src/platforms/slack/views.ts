import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import { BEHAVIOURS, SCALE } from '../../core/behaviours';
import type { Message } from '../../core/message';
import type { Settings, Weekday } from '../../core/model';
import { NOTE_NOT_SHOWN, REFLECTION_NOT_SHOWN } from '../../core/privacy-notice';
import {
  DAY_CHOICES,
  FORM_LABELS,
  LEVEL_CHOICES,
  NONE,
  PRACTICE_CHOICES_FORM,
  type SettingsFormInput,
  TOWARD_CHOICES,
} from '../../core/profile-form';
import type { FieldErrors } from '../../core/selfcheck';
import { NOTE_MAX } from '../../core/selfcheck';
import { REFLECTION_MAX } from '../../core/trellis';
import { renderBlocks } from './render';

/** callback_id of each modal, and the block ids their submissions are read from. */
export const VIEWS = { selfcheck: 'selfcheck', settings: 'settings', reflect: 'reflect' } as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

const SKIP = '-';

/**
 * Slack refuses a modal whose plain_text_input allows more than 3,000 characters (Block Kit reference), while a
 * reflection may be 4,000 long; so the modal's box stops at 3,000 and its hint says a DM reply takes the rest.
 */
export const SLACK_TEXT_INPUT_MAX = 3000;
const REFLECT_BOX_MAX = Math.min(REFLECTION_MAX, SLACK_TEXT_INPUT_MAX);
const REFLECT_LIMIT_HINT =
  REFLECT_BOX_MAX < REFLECTION_MAX
    ? ` Up to ${REFLECT_BOX_MAX.toLocaleString('en')} characters here; for a longer one, reply in our DM instead (up to ${REFLECTION_MAX.toLocaleString('en')}).`
    : '';

/** `/selfcheck`: the six behaviours, each 1–5 with the scale's labels or skipped, and a private note. */
export function selfCheckModal(): ModalView {
  const options = [
    ...SCALE.map((s) => ({ text: plain(`${s.value} · ${s.label}`), value: String(s.value) })),
    { text: plain('Skip this one'), value: SKIP },
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'How often did you do each of these in your recent sessions? Leave one empty to skip it. Behaviours: ICF Core Competencies (2019), "Cultivates Trust and Safety".',
        },
      ],
    },
    ...BEHAVIOURS.map(
      (b): KnownBlock => ({
        type: 'input',
        block_id: b.key,
        optional: true,
        label: plain(b.label),
        element: {
          type: 'static_select',
          action_id: 'rating',
          placeholder: plain('1 Not yet … 5 Consistently'),
          options,
        },
      }),
    ),
    {
      type: 'input',
      block_id: 'note',
      optional: true,
      label: plain('Note for yourself'),
      hint: plain(`${NOTE_NOT_SHOWN} No client names, please.`),
      element: {
        type: 'plain_text_input',
        action_id: 'note',
        multiline: true,
        max_length: NOTE_MAX,
        placeholder: plain('What stood out in your sessions?'),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.selfcheck,
    title: plain('Self-check'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

/** Daily prompt → Reflect: the prompt and a text box. The prompt issue id travels in private_metadata. */
export function reflectModal(issueId: number, promptText: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.reflect,
    private_metadata: String(issueId),
    title: plain('Reflect'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: promptText.slice(0, 3000) } },
      {
        type: 'input',
        block_id: 'reflection',
        label: plain('Your reflection'),
        hint: plain(`${REFLECTION_NOT_SHOWN} A few lines about one concrete moment is plenty.${REFLECT_LIMIT_HINT}`),
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: REFLECT_BOX_MAX },
      },
    ],
  };
}

/** Options of a form field, in Slack's shape. */
const optionsOf = (choices: readonly { value: string; label: string }[]) =>
  choices.map((c) => ({ text: plain(c.label), value: c.value }));

/**
 * Prompt time, days, pause, and the coach's profile: the credential held, the one worked toward, the kinds of
 * practice. The time zone comes from the coach's Slack profile and is shown. Read back by settingsFormInput and
 * checked by the core (profile-form.ts).
 */
export function settingsModal(settings: Settings, timeZoneSetByCoach: boolean): ModalView {
  const dayOptions = optionsOf(DAY_CHOICES);
  const levelOptions = optionsOf(LEVEL_CHOICES);
  const towardOptions = optionsOf(TOWARD_CHOICES);
  const practiceOptions = optionsOf(PRACTICE_CHOICES_FORM);
  const currentLevel = levelOptions.find((o) => o.value === (settings.level ?? NONE));
  const currentToward = towardOptions.find((o) => o.value === (settings.workingToward ?? NONE));
  const selectedDays = dayOptions.filter((o) => settings.promptDays.includes(Number(o.value) as Weekday));
  const selectedPractices = practiceOptions.filter((o) => (settings.practices ?? []).some((p) => p === o.value));
  return {
    type: 'modal',
    callback_id: VIEWS.settings,
    title: plain('Trellis settings'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'time',
        label: plain(FORM_LABELS.time),
        element: { type: 'timepicker', action_id: 'time', initial_time: settings.promptTime },
      },
      {
        type: 'input',
        block_id: 'days',
        label: plain(FORM_LABELS.days),
        element: {
          type: 'checkboxes',
          action_id: 'days',
          options: dayOptions,
          ...(selectedDays.length ? { initial_options: selectedDays } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'level',
        label: plain(FORM_LABELS.level),
        hint: plain('Prompts written for your level and the levels before it.'),
        element: {
          type: 'static_select',
          action_id: 'level',
          options: levelOptions,
          ...(currentLevel ? { initial_option: currentLevel } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'toward',
        label: plain(FORM_LABELS.toward),
        element: {
          type: 'static_select',
          action_id: 'toward',
          options: towardOptions,
          ...(currentToward ? { initial_option: currentToward } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'practices',
        optional: true,
        label: plain(FORM_LABELS.practices),
        hint: plain('Prompts written for one setting (a sponsor, a video call) go only to coaches who work in it.'),
        element: {
          type: 'checkboxes',
          action_id: 'practices',
          options: practiceOptions,
          ...(selectedPractices.length ? { initial_options: selectedPractices } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'pause',
        optional: true,
        label: plain(FORM_LABELS.pause),
        element: {
          type: 'datepicker',
          action_id: 'until',
          ...(settings.pausedUntil ? { initial_date: settings.pausedUntil } : {}),
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Time zone: *${settings.timeZone}*${timeZoneSetByCoach ? ' (chosen by you)' : ' (from your Slack profile)'}. To set another, type \`/selfcheck settings tz Area/City\`.`,
          },
        ],
      },
    ],
  };
}

/** The App Home tab: buttons, then the coach's recent check-ins and trend as the core renders them. */
/** The App Home: buttons, the trend, recent history and, when given, the first page of the coach's journal. */
export function homeView(history: Message, trend: Message, journal?: Message): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Trellis: trust and safety, a few minutes a day') },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'open_selfcheck', text: plain('Check in'), style: 'primary' },
        { type: 'button', action_id: 'open_settings', text: plain('Settings') },
      ],
    },
    { type: 'divider' },
    ...renderBlocks(trend),
    { type: 'divider' },
    ...renderBlocks(history),
    ...(journal ? [{ type: 'divider' } as const, ...renderBlocks(journal)] : []),
  ];
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/** The parts of `view.state.values` Trellis reads; anything else in a submission is ignored. */
export interface ViewStateValue {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_time?: string | null;
  selected_date?: string | null;
}
export type ViewState = Record<string, Record<string, ViewStateValue>>;

/** A self-check modal's state in the shape core's validateSelfCheckForm reads. */
export function readSelfCheckForm(state: ViewState): {
  ratings: Record<string, string | undefined>;
  note: string | null;
} {
  const ratings: Record<string, string | undefined> = {};
  for (const b of BEHAVIOURS) ratings[b.key] = state[b.key]?.rating?.selected_option?.value ?? undefined;
  return { ratings, note: state.note?.note?.value ?? null };
}

/** Core's field errors keyed by the modal's block ids; a form-wide error shows on the first behaviour. */
export function toViewErrors(errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    if (!message) continue;
    out[key === 'form' ? BEHAVIOURS[0].key : key] = message;
  }
  return out;
}

/**
 * The settings modal's state as the core's form (profile-form.ts). A block missing from the state keeps its setting;
 * one present but empty clears it (the pause, working toward, the practices) or is refused (time, days).
 */
export function settingsFormInput(state: ViewState): SettingsFormInput {
  const input: SettingsFormInput = {};
  if (state.time) input.time = state.time.time?.selected_time ?? '';
  if (state.days) input.days = (state.days.days?.selected_options ?? []).map((o) => o.value);
  if (state.level) input.level = state.level.level?.selected_option?.value ?? null;
  if (state.toward) input.toward = state.toward.toward?.selected_option?.value ?? null;
  if (state.practices) input.practices = (state.practices.practices?.selected_options ?? []).map((o) => o.value);
  if (state.pause) input.pause = state.pause.until?.selected_date ?? null;
  return input;
}
