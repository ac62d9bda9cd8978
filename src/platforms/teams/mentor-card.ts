import { type Activity, CardFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import { BEHAVIOURS, SCALE } from '../../core/behaviours';
import { isTrellisError } from '../../core/errors';
import { COMMENT_MAX, type RatingFormErrors, type RatingFormFields } from '../../core/mentor-input';
import { sessionKind } from '../../core/mentor-messages';
import type { SharedSession } from '../../core/mentor-model';
import { message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import { MARKER_IDS, RUBRIC } from '../../core/rubric';
import type { Trellis } from '../../core/trellis';
import { ACTION_FIELD, CARD_VERSION, cardActivity, cardUpdate, renderActivity, teamsMarkdown } from './render';

/**
 * A mentor in Teams (src/core/mentors.ts): the rating card for a shared session (the six behaviours 1-5, markers
 * 4.1-4.4, a comment) showing the session's date, length and kind only, and the mentions of a `mentor invite`
 * typed in a channel, read from the activity's mention entities.
 */

type CardElement = Record<string, unknown>;
type Values = Record<string, string | undefined>;
export const MENTOR_RATING_SUBMIT = 'mentor_rating_submit';

const text = (t: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: teamsMarkdown(t),
  wrap: true,
  ...extra,
});

export function mentorCardActivity(
  session: SharedSession,
  state: { values?: Values; errors?: RatingFormErrors } = {},
): Partial<Activity> {
  const values = state.values ?? {};
  const errors = state.errors ?? {};
  const body: CardElement[] = [
    text(`Rate session ${session.sessionId}`, { size: 'Medium', weight: 'Bolder' }),
    text(
      `${session.date} · ${session.minutes} min · ${sessionKind(session.participants)}. Rate what you observed in the recording (rubric ${RUBRIC.version}); leave out what you could not judge.`,
      { isSubtle: true },
    ),
  ];
  const field = (id: string, element: CardElement) => {
    const value = values[id];
    body.push({ id, ...element, ...(value ? { value } : {}) });
    if (errors[id]) body.push(text(errors[id] as string, { color: 'Attention', spacing: 'None' }));
  };
  const choice = (label: string, choices: [string, string][]): CardElement => ({
    type: 'Input.ChoiceSet',
    label,
    style: 'compact',
    isRequired: false,
    placeholder: 'Leave out',
    choices: choices.map(([title, value]) => ({ title, value })),
  });
  for (const b of BEHAVIOURS)
    field(
      b.key,
      choice(
        b.label,
        SCALE.map((s) => [`${s.value} ${s.label}`, String(s.value)]),
      ),
    );
  for (const id of MARKER_IDS) {
    const m = RUBRIC.markers.find((x) => x.id === id);
    field(
      `observed_${id}`,
      choice(`${id} ${m?.short ?? ''}`.trim(), [
        ['Observed', 'observed'],
        ['Partly', 'partly'],
        ['Not observed', 'not'],
      ]),
    );
  }
  field('comment', {
    type: 'Input.Text',
    label: 'Comment for the coach',
    isMultiline: true,
    maxLength: COMMENT_MAX,
    placeholder: 'What you noticed, and one thing to try',
  });
  const attachment = CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    actions: [
      {
        type: 'Action.Submit',
        title: 'Save rating',
        style: 'positive',
        data: { [ACTION_FIELD]: MENTOR_RATING_SUBMIT, value: String(session.sessionId) },
      },
    ],
  });
  const problems = Object.values(errors).filter(Boolean);
  return cardActivity(attachment, problems.length ? `Rate a session: ${problems.join(' ')}` : 'Rate a shared session');
}

/** "Rate this session" (value = the session id): the card, or why this mentor may not rate it. */
export async function sendMentorCard(context: TurnContext, trellis: Trellis, ref: CoachRef, value?: string) {
  const id = /^\d{1,12}$/.test(value ?? '') ? Number(value) : undefined;
  if (id === undefined) return;
  const form = trellis.mentors.sessions.formFor(ref, id);
  await context.sendActivity('refused' in form ? renderActivity(form.refused) : mentorCardActivity(form.session));
}

/** The card's Save: stored (all of it or nothing) and the card replaced by the answer, or sent back with problems. */
export async function submitMentorCard(context: TurnContext, trellis: Trellis, ref: CoachRef, value?: string) {
  const id = /^\d{1,12}$/.test(value ?? '') ? Number(value) : undefined;
  if (id === undefined) return;
  const values: Values = {};
  for (const [k, v] of Object.entries((context.activity.value ?? {}) as Record<string, unknown>))
    if ((typeof v === 'string' && v !== '') || typeof v === 'number') values[k] = String(v);
  const fields: RatingFormFields = { ...values };
  let reply: ReturnType<Trellis['mentors']['sessions']['submitForm']>;
  try {
    reply = trellis.mentors.sessions.submitForm(ref, id, fields);
  } catch (error) {
    if (!isTrellisError(error)) throw error;
    reply = { reply: message(error.message) };
  }
  if ('errors' in reply) {
    const form = trellis.mentors.sessions.formFor(ref, id);
    if ('session' in form)
      await context.sendActivity(mentorCardActivity(form.session, { values, errors: reply.errors }));
    return;
  }
  const cardId = context.activity.replyToId;
  if (cardId) await context.updateActivity(cardUpdate(cardId, reply.reply));
  else await context.sendActivity(renderActivity(reply.reply));
}

/**
 * The text with each @mention of someone other than Trellis written as "<@their AAD object id>", the form the core
 * reads (`mentor invite @name`). A mention without the AAD id is looked up with the connector (TeamsInfo.getMember);
 * when that fails it keeps the Teams id, and the core answers that it does not know the person yet.
 */
export async function withMentionIds(context: TurnContext, text: string): Promise<string> {
  const { activity } = context;
  type Mentioned = { id?: string; aadObjectId?: string };
  const mentions = (activity.entities ?? []).filter(
    (e) => e.type === 'mention' && (e.mentioned as Mentioned | undefined)?.id !== activity.recipient?.id,
  );
  let out = text;
  for (const entity of mentions) {
    const mentioned = entity.mentioned as Mentioned | undefined;
    const shown = typeof entity.text === 'string' ? entity.text : undefined;
    if (!mentioned?.id || !shown || !out.includes(shown)) continue;
    let aad = mentioned.aadObjectId;
    if (!aad)
      aad = await TeamsInfo.getMember(context, mentioned.id).then(
        (m) => m.aadObjectId,
        () => undefined,
      );
    out = out.replace(shown, `<@${aad ?? mentioned.id}>`);
  }
  return out;
}
