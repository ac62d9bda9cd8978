import { type Activity, CardFactory, type TurnContext } from 'botbuilder';
import type { SessionPrefill } from '../../core/journey';
import type { CoachRef } from '../../core/model';
import { NOTE_NOT_SHOWN } from '../../core/privacy-notice';
import { MARKER_IDS, RUBRIC } from '../../core/rubric';
import {
  CLIENT_CODE_MAX,
  CLIENT_CODE_WHY,
  EVIDENCE_MAX,
  type SessionFormErrors,
  type SessionFormFields,
  validateSessionForm,
} from '../../core/session-input';
import type { RequestContext, Trellis } from '../../core/trellis';
import { ACTION_FIELD, CARD_VERSION, cardActivity, cardUpdate, renderActivity, teamsMarkdown } from './render';

/**
 * `/selfcheck session` in Teams: one card for a client session (date, minutes, paid or pro bono, individual or
 * group, client code) and, optionally, PCC markers 4.1-4.4 with an evidence line each. An invalid submit brings
 * the card back with the coach's answers kept and each problem beside its field.
 */

type CardElement = Record<string, unknown>;
type Values = Record<string, string | undefined>;

const text = (t: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: teamsMarkdown(t),
  wrap: true,
  ...extra,
});
const errorBlock = (t: string): CardElement => text(t, { color: 'Attention', spacing: 'None' });

export function sessionCardActivity(
  prefill: SessionPrefill,
  today: string,
  state: { values?: Values; errors?: SessionFormErrors } = {},
): Partial<Activity> {
  const values: Values = {
    date: prefill.date ?? today,
    minutes: prefill.minutes ? String(prefill.minutes) : undefined,
    clientCode: prefill.clientCode,
    paid: 'paid',
    kind: 'individual',
    ...state.values,
  };
  const errors = state.errors ?? {};
  const body: CardElement[] = [
    text('Log a session', { size: 'Medium', weight: 'Bolder' }),
    text(`One client session for your ICF coaching log. Client code: ${CLIENT_CODE_WHY}`, { isSubtle: true }),
  ];
  const field = (id: string, element: CardElement) => {
    const value = values[id];
    body.push({ id, ...element, ...(value ? { value } : {}) });
    if (errors[id]) body.push(errorBlock(errors[id] as string));
  };
  const choice = (label: string, choices: [string, string][], extra: CardElement = {}): CardElement => ({
    type: 'Input.ChoiceSet',
    label,
    style: 'compact',
    choices: choices.map(([title, value]) => ({ title, value })),
    ...extra,
  });
  field('date', { type: 'Input.Text', label: 'Date (YYYY-MM-DD)', maxLength: 10 });
  field('minutes', { type: 'Input.Text', label: 'Minutes', maxLength: 4, placeholder: '60' });
  field(
    'paid',
    choice('Paid or pro bono', [
      ['Paid', 'paid'],
      ['Pro bono', 'probono'],
    ]),
  );
  field(
    'kind',
    choice('Individual or group', [
      ['Individual', 'individual'],
      ['Group', 'group'],
    ]),
  );
  field('participants', { type: 'Input.Text', label: 'Participants (a group only)', maxLength: 3 });
  field('clientCode', { type: 'Input.Text', label: 'Client code', maxLength: CLIENT_CODE_MAX, placeholder: 'C17' });
  body.push(
    text(
      `Optional: PCC markers (rubric ${RUBRIC.version}; ${RUBRIC.credit}) and what exactly you said. Evidence is kept like your notes: ${NOTE_NOT_SHOWN.toLowerCase()}`,
      { isSubtle: true, size: 'Small' },
    ),
  );
  for (const id of MARKER_IDS) {
    const m = RUBRIC.markers.find((x) => x.id === id);
    field(
      `observed_${id}`,
      choice(
        `${id} ${m?.short ?? ''}`.trim(),
        [
          ['Observed', 'observed'],
          ['Partly', 'partly'],
          ['Not observed', 'not'],
        ],
        { placeholder: 'Leave out', isRequired: false },
      ),
    );
    field(`evidence_${id}`, {
      type: 'Input.Text',
      label: `Evidence for ${id}`,
      isMultiline: true,
      maxLength: EVIDENCE_MAX,
      placeholder: 'What exactly did you say?',
    });
  }
  const attachment = CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    actions: [
      { type: 'Action.Submit', title: 'Save session', style: 'positive', data: { [ACTION_FIELD]: 'session_submit' } },
    ],
  });
  const problems = Object.values(errors).filter(Boolean);
  return cardActivity(attachment, problems.length ? `Log a session: ${problems.join(' ')}` : 'Log a client session');
}

/** Reads a submitted session card (Teams posts every input as a string) into the core's form fields. */
export function readSessionCard(value: Record<string, unknown>): { fields: SessionFormFields; values: Values } {
  const values: Values = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && v !== '') values[k] = v;
  const observed: SessionFormFields['observed'] = {};
  const evidence: SessionFormFields['evidence'] = {};
  for (const id of MARKER_IDS) {
    observed[id] = values[`observed_${id}`];
    evidence[id] = values[`evidence_${id}`];
  }
  const fields: SessionFormFields = {
    date: values.date,
    minutes: values.minutes,
    paid: values.paid,
    kind: values.kind,
    participants: values.participants,
    clientCode: values.clientCode,
    observed,
    evidence,
  };
  return { fields, values };
}

/** The card's Save: stored in one transaction and the card replaced by the answer, or sent back with the problems. */
export async function submitSessionCard(
  context: TurnContext,
  trellis: Trellis,
  ref: CoachRef,
  ctx: RequestContext,
): Promise<void> {
  const coach = trellis.coach(ref, ctx);
  const today = trellis.today(coach);
  const { fields, values } = readSessionCard((context.activity.value ?? {}) as Record<string, unknown>);
  const result = validateSessionForm(fields, today);
  if (!result.ok) {
    await context.sendActivity(sessionCardActivity({}, today, { values, errors: result.errors }));
    return;
  }
  const { reply } = trellis.journey.recordSession(ref, result.value, ctx);
  const cardId = context.activity.replyToId;
  if (cardId) await context.updateActivity(cardUpdate(cardId, reply));
  else await context.sendActivity(renderActivity(reply));
}
