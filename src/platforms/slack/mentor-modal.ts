import type { ModalView } from '@slack/types';
import { BEHAVIOURS, SCALE } from '../../core/behaviours';
import { isTrellisError } from '../../core/errors';
import { COMMENT_MAX, type RatingFormFields } from '../../core/mentor-input';
import { sessionKind } from '../../core/mentor-messages';
import type { SharedSession } from '../../core/mentor-model';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import { MARKER_IDS, RUBRIC } from '../../core/rubric';
import {
  type ActionArgs,
  BUSY,
  coachRef,
  FAILED,
  type ListenerDeps,
  type ListenerKit,
  type ViewArgs,
} from './listener-kit';
import { buttonAction, interaction, issueIdValue, submittedView } from './payloads';
import type { ViewState } from './views';
import { logRefusedWrite } from './write-first';

/**
 * A mentor in Slack (src/core/mentors.ts): Accept and Decline on the invitation (value "r<relation id>"), and
 * "Rate this session" (value = the session id), which opens a modal: the six behaviours 1-5, markers 4.1-4.4 and a
 * comment. The modal shows the session's date, length and kind only. Its submission is checked and stored (all of
 * it or nothing) before the ack, each problem beside its field; the answer goes to the mentor's DM.
 */
export const MENTOR_RATING_VIEW = 'mentor_rating';

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const option = (text: string, value: string) => ({ text: plain(text), value });
const RATING_OPTIONS = SCALE.map((s) => option(`${s.value} ${s.label}`, String(s.value)));
const OBSERVED_OPTIONS = [option('Observed', 'observed'), option('Partly', 'partly'), option('Not observed', 'not')];

export function mentorRatingModal(session: SharedSession): ModalView {
  const select = (block: string, label: string, options: typeof RATING_OPTIONS) => ({
    type: 'input' as const,
    block_id: block,
    optional: true,
    label: plain(label.slice(0, 2000)),
    element: { type: 'static_select' as const, action_id: 'value', options, placeholder: plain('Choose') },
  });
  return {
    type: 'modal',
    callback_id: MENTOR_RATING_VIEW,
    private_metadata: String(session.sessionId),
    title: plain('Rate a session'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Session ${session.sessionId}: ${session.date} · ${session.minutes} min · ${sessionKind(session.participants)}. Rate what you observed in the recording (rubric ${RUBRIC.version}); leave out what you could not judge.`,
          },
        ],
      },
      ...BEHAVIOURS.map((b) => select(b.key, b.label, RATING_OPTIONS)),
      ...MARKER_IDS.map((id) => {
        const m = RUBRIC.markers.find((x) => x.id === id);
        return select(`observed_${id}`, `${id} ${m?.short ?? ''}`.trim(), OBSERVED_OPTIONS);
      }),
      {
        type: 'input',
        block_id: 'comment',
        optional: true,
        label: plain('Comment for the coach'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: COMMENT_MAX,
          placeholder: plain('What you noticed, and one thing to try'),
        },
      },
    ],
  };
}

export function readRatingForm(state: ViewState): RatingFormFields {
  const out: RatingFormFields = {};
  for (const [block, actions] of Object.entries(state)) {
    const v = actions.value;
    out[block] = v?.selected_option?.value ?? v?.value ?? null;
  }
  return out;
}

export function registerMentorListeners(
  views: Map<string, (args: ViewArgs) => Promise<void>>,
  actions: Map<string, (args: ActionArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, profiles, commits, log } = deps;
  const relationValue = (value: string | undefined) => {
    const m = /^r(\d{1,12})$/.exec(value ?? '');
    return m ? Number(m[1]) : undefined;
  };

  for (const kind of ['mentor_accept', 'mentor_decline'] as const) {
    actions.set(kind, async (args) => {
      const who = interaction.parse(args.body);
      const action = buttonAction.parse(args.action);
      const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
      const relationId = relationValue(action.value);
      if (relationId === undefined) return args.ack();
      let reply: Message;
      try {
        // The answer and the coach's DM are stored before the ack: Slack sends a button press once.
        reply = await commits.run(() =>
          trellis.mentors.answer(trellis.coach(ref), relationId, kind === 'mentor_accept'),
        );
      } catch (error) {
        logRefusedWrite(log, error, { path: kind, ref });
        reply = message(isTrellisError(error) ? error.message : FAILED);
      }
      await args.ack();
      const respond = who.response_url ? args.respond : undefined;
      await kit.tell(ref, reply, `${kind}:${relationId}:${who.trigger_id}`, respond);
    });
  }

  actions.set('mentor_rate', async (args) => {
    await args.ack();
    const who = interaction.parse(args.body);
    const action = buttonAction.parse(args.action);
    const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
    const respond = who.response_url ? args.respond : undefined;
    const sessionId = issueIdValue.safeParse(action.value ?? '');
    if (!sessionId.success) return;
    const form = trellis.mentors.sessions.formFor(ref, sessionId.data);
    if ('refused' in form) {
      await kit.tell(ref, form.refused, `mentor_rate:${sessionId.data}:${who.trigger_id}`, respond);
      return;
    }
    await kit.openModal(args.client, who.trigger_id, mentorRatingModal(form.session), () =>
      kit.tell(ref, message(BUSY), `busy:${who.trigger_id}`, respond),
    );
  });

  views.set(MENTOR_RATING_VIEW, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    const sessionId = issueIdValue.safeParse(parsedView.data?.private_metadata ?? '');
    if (!parsedView.success || !who.success || !sessionId.success) {
      await ack({ response_action: 'errors', errors: { comment: 'The form arrived incomplete; press Rate again.' } });
      return;
    }
    const ref: CoachRef = coachRef(context, {
      team: who.data.team?.id ?? who.data.user.team_id,
      user: who.data.user.id,
    });
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    const fields = readRatingForm(parsedView.data.state.values as ViewState);
    let outcome: ReturnType<typeof trellis.mentors.sessions.submitForm>;
    try {
      outcome = await commits.run(() => trellis.mentors.sessions.submitForm(ref, sessionId.data, fields));
    } catch (error) {
      logRefusedWrite(log, error, { path: MENTOR_RATING_VIEW, ref });
      await ack({ response_action: 'errors', errors: { comment: isTrellisError(error) ? error.message : FAILED } });
      if (isTrellisError(error)) return;
      throw error;
    }
    if ('errors' in outcome) {
      await ack({ response_action: 'errors', errors: outcome.errors });
      return;
    }
    await ack();
    await kit.sendDirect(ref, outcome.reply, `mentor_rating:${parsedView.data.id}`, hint);
  });
}
