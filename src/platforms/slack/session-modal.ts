import type { ModalView } from '@slack/types';
import type { SessionPrefill } from '../../core/journey';
import { type Message, message } from '../../core/message';
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
import { type ActionArgs, BUSY, coachRef, type ListenerDeps, type ListenerKit, type ViewArgs } from './listener-kit';
import { buttonAction, interaction, submittedView } from './payloads';
import type { ViewState } from './views';
import { storeBeforeModalAck } from './write-first';

type RecordedSession = ReturnType<ListenerDeps['trellis']['journey']['recordSession']>;

/**
 * `/selfcheck session` in Slack: a modal for one client session (date, minutes, paid or pro bono, individual or
 * group, client code), then optionally PCC markers 4.1-4.4 with an evidence line each. The session-ended event's
 * id travels in private_metadata, so the DM's button opens the form filled in from it.
 */
export const SESSION_VIEW = 'session';

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const option = (text: string, value: string) => ({ text: plain(text), value });

const OBSERVED_OPTIONS = [option('Observed', 'observed'), option('Partly', 'partly'), option('Not observed', 'not')];
const PAID_OPTIONS = [option('Paid', 'paid'), option('Pro bono', 'probono')];
const KIND_OPTIONS = [option('Individual', 'individual'), option('Group', 'group')];

export function sessionModal(prefill: SessionPrefill, today: string): ModalView {
  const text = (block: string, label: string, extra: Record<string, unknown>, optional = false) => ({
    type: 'input' as const,
    block_id: block,
    optional,
    label: plain(label),
    element: { type: 'plain_text_input' as const, action_id: 'value', ...extra },
  });
  const select = (block: string, label: string, options: typeof PAID_OPTIONS, initial?: number, optional = false) => ({
    type: 'input' as const,
    block_id: block,
    optional,
    label: plain(label),
    element: {
      type: 'static_select' as const,
      action_id: 'value',
      options,
      ...(initial === undefined ? { placeholder: plain('Choose') } : { initial_option: options[initial] }),
    },
  });
  return {
    type: 'modal',
    callback_id: SESSION_VIEW,
    private_metadata: prefill.eventId === undefined ? '' : String(prefill.eventId),
    title: plain('Log a session'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `One client session for your ICF coaching log. Client code: ${CLIENT_CODE_WHY}` },
        ],
      },
      text('date', 'Date (YYYY-MM-DD)', { initial_value: prefill.date ?? today, max_length: 10 }),
      text('minutes', 'Minutes', {
        max_length: 4,
        ...(prefill.minutes ? { initial_value: String(prefill.minutes) } : { placeholder: plain('60') }),
      }),
      select('paid', 'Paid or pro bono', PAID_OPTIONS, 0),
      select('kind', 'Individual or group', KIND_OPTIONS, 0),
      text('participants', 'Participants (a group only)', { max_length: 3, placeholder: plain('6') }, true),
      text('clientCode', 'Client code', {
        max_length: CLIENT_CODE_MAX,
        ...(prefill.clientCode ? { initial_value: prefill.clientCode } : { placeholder: plain('C17') }),
      }),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Optional: PCC markers for "Cultivates Trust and Safety" (rubric ${RUBRIC.version}; ${RUBRIC.credit}) and, for any, what exactly you said. Evidence is kept like your notes: ${NOTE_NOT_SHOWN.toLowerCase()}`,
          },
        ],
      },
      ...MARKER_IDS.flatMap((id) => {
        const m = RUBRIC.markers.find((x) => x.id === id);
        return [
          select(`observed_${id}`, `${id} ${m?.short ?? ''}`.trim(), OBSERVED_OPTIONS, undefined, true),
          text(
            `evidence_${id}`,
            `Evidence for ${id}`,
            { multiline: true, max_length: EVIDENCE_MAX, placeholder: plain('What exactly did you say?') },
            true,
          ),
        ];
      }),
    ],
  };
}

/** The modal's state as the core's form fields. */
export function readSessionForm(state: ViewState): SessionFormFields {
  const get = (block: string) => {
    const v = state[block]?.value;
    return (v?.selected_option?.value ?? v?.value ?? undefined) || undefined;
  };
  const observed: SessionFormFields['observed'] = {};
  const evidence: SessionFormFields['evidence'] = {};
  for (const id of MARKER_IDS) {
    observed[id] = get(`observed_${id}`);
    evidence[id] = get(`evidence_${id}`);
  }
  return {
    date: get('date'),
    minutes: get('minutes'),
    paid: get('paid'),
    kind: get('kind'),
    participants: get('participants'),
    clientCode: get('clientCode'),
    observed,
    evidence,
  };
}

/**
 * The session modal's submission and the "Log a session" / "Log this session" button (value "e<event id>": the
 * form filled in from a session-ended event). The submission is checked before the ack (each problem beside its
 * field) and stored in one transaction before it; the view id is the request key, so a resubmission records
 * nothing twice. The answer goes to the DM.
 */
export function registerSessionListeners(
  views: Map<string, (args: ViewArgs) => Promise<void>>,
  actions: Map<string, (args: ActionArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, profiles } = deps;
  views.set(SESSION_VIEW, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    if (!parsedView.success || !who.success) {
      await ack({ response_action: 'errors', errors: { minutes: 'The form arrived incomplete; open it again.' } });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    const fields = readSessionForm(parsedView.data.state.values as ViewState);
    const requestKey = `slack:view:${parsedView.data.id}`;
    // Checked and stored before the ack: a lock held a moment (the WAL checkpoint) is waited out, not a failed form.
    const outcome = await storeBeforeModalAck(
      deps,
      ack,
      { path: 'session_form', ref, requestKey, field: 'minutes' },
      (): { errors: SessionFormErrors } | { recorded: RecordedSession } => {
        const result = validateSessionForm(fields, trellis.today(trellis.coach(ref, hint)));
        if (!result.ok) return { errors: result.errors };
        return { recorded: trellis.journey.recordSession(ref, result.value, { ...hint, requestKey }) };
      },
    );
    if (!outcome) return;
    if ('errors' in outcome) {
      const errors = Object.fromEntries(Object.entries(outcome.errors).filter((e): e is [string, string] => !!e[1]));
      await ack({ response_action: 'errors', errors });
      return;
    }
    const { recorded } = outcome;
    await ack();
    if (recorded.created) await kit.sendDirect(ref, recorded.reply, `session:${recorded.session.id}`, hint);
  });

  actions.set('open_session', async (args) => {
    await args.ack();
    const who = interaction.parse(args.body);
    const action = buttonAction.parse(args.action);
    const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
    const respond = who.response_url ? args.respond : undefined;
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    const formArgs = {
      client: args.client,
      triggerId: who.trigger_id,
      onBusy: () => kit.tell(ref, message(BUSY), `busy:${who.trigger_id}`, respond),
    };
    await kit.openForm('session_form', ref, hint, formArgs, trellis.journey.prefill(ref, action.value));
  });
}

/** The message a DM shows when a typed "session" asks for the form: a button opens it. */
export const openSessionButton = (prefill: SessionPrefill): Message =>
  message('Open the session form:', {
    buttons: [
      {
        action: 'open_session',
        label: 'Log a session',
        style: 'primary',
        ...(prefill.eventId ? { value: `e${prefill.eventId}` } : {}),
      },
    ],
  });
