import type {
  AllMiddlewareArgs,
  BlockAction,
  Context,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isTrellisError } from '../../core/errors';
import type { SessionPrefill } from '../../core/journey';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Clock, InboundEventRepository, Logger, WriteBatcher } from '../../core/ports';
import type { Reply, RequestContext, Trellis } from '../../core/trellis';
import type { SlackMessenger } from './messenger';
import type { ProfileHint, SlackProfiles } from './profiles';
import { type Sleep, withRateLimitRetry } from './rate-limit';
import { renderBlocks, renderFallbackText } from './render';
import { sessionModal } from './session-modal';
import { homeView, selfCheckModal, settingsModal } from './views';

export interface ListenerDeps {
  trellis: Trellis;
  messenger: SlackMessenger;
  profiles: SlackProfiles;
  inbound: InboundEventRepository;
  commits: WriteBatcher;
  clock: Clock;
  log: Logger;
  sleep?: Sleep;
}

/** A trigger id lives 3 s: a modal may wait out a short 429, no more. */
export const MODAL_RATE_BUDGET_MS = 2_000;
/** A DM can wait longer for Slack's rate limit. */
export const DM_RATE_BUDGET_MS = 30_000;

export const BUSY =
  'Slack is busy and the form could not open. Run the command again in a moment, or type the quick form: /selfcheck 4 3 5 4 4 2.';
export const EXPORT_FAILED =
  'Slack did not accept the export files, so nothing was sent. Please run /selfcheck export again in a minute.';
/** What a failed upload of these files tells the coach: an export's, or a portfolio's. */
export const filesFailed = (files: readonly { kind: string }[]) =>
  files.some((f) => f.kind.startsWith('portfolio-'))
    ? 'Slack did not accept the portfolio files, so nothing was sent. Please run /selfcheck portfolio again in a minute.'
    : EXPORT_FAILED;
export const FAILED = 'Something went wrong on our side and nothing was saved. Please try again in a minute.';

/**
 * The coach behind a request. With an org-wide (Enterprise Grid) install the organisation is the tenant, so a
 * coach keeps one history across the workspaces they use.
 */
export function coachRef(context: Context, fallback: { team?: string; user?: string } = {}): CoachRef {
  const tenant =
    context.isEnterpriseInstall && context.enterpriseId ? context.enterpriseId : (context.teamId ?? fallback.team);
  const user = context.userId ?? fallback.user;
  if (!tenant || !user) throw new Error('slack request without team or user');
  return { platform: 'slack', tenant, user };
}

export function ephemeral(messages: readonly Message[]) {
  return {
    response_type: 'ephemeral' as const,
    text: messages.map(renderFallbackText).join('\n\n').slice(0, 3000),
    blocks: messages.flatMap(renderBlocks).slice(0, 50),
  };
}

export type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export const hasFiles = (messages: readonly Message[]) => messages.some((m) => (m.files?.length ?? 0) > 0);

/** A Web API failure as its error code only: errors can carry request details, which stay out of logs. */
export function slackErrorCode(error: unknown): string {
  const e = error as { data?: { error?: unknown }; code?: unknown };
  if (typeof e.data?.error === 'string') return e.data.error;
  return typeof e.code === 'string' ? e.code : 'unknown';
}
export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
export type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

/** What every listener shares: replies, DMs, modals and forms, bound to the listeners' dependencies. */
export function listenerKit(deps: ListenerDeps) {
  const { trellis, messenger, profiles, log } = deps;
  const profileOf = (client: WebClient, ref: CoachRef): Promise<ProfileHint> =>
    profiles.lookup(client, ref.tenant, ref.user);

  /** A mistake the coach can fix comes back as a message saying what to fix; anything else is thrown on. */
  const asReply = (error: unknown): Reply => {
    if (isTrellisError(error)) return { type: 'messages', messages: [message(error.message)] };
    throw error;
  };

  /** A DM to the coach, waiting out Slack's rate limit; `key` makes it findable after a crash. */
  const sendDirect = async (ref: CoachRef, reply: Message, key: string, ctx: RequestContext = {}) => {
    // Finding the coach writes when their Slack profile changed (or an e-mail no longer remembered is stored again).
    // Through the group commit: after the ack, a lock the WAL checkpoint holds a moment is waited out, not refused
    // in 5 ms, which would have dropped the DM.
    const coach = await deps.commits.run(() => trellis.coach(ref, ctx));
    await withRateLimitRetry(() => messenger.sendDirect(coach, reply, key), {
      budgetMs: DM_RATE_BUDGET_MS,
      sleep: deps.sleep,
    });
  };

  /** The welcome, once per coach, in their DM after whatever they asked first was answered (core welcome.ts). */
  const welcomeAfter = async (ref: CoachRef, hint: RequestContext, key: string) => {
    // Marking the coach welcomed is a write outside the group commit; found locked (the WAL checkpoint holds the
    // lock a moment), it is done again through the group commit, which waits the lock out without blocking. Refused
    // past that wait, the welcome simply follows the coach's next request.
    const refused = (error: unknown) => isTrellisError(error) && error.code === 'storage_unavailable';
    let welcome: Message | undefined;
    try {
      welcome = trellis.welcome.once(ref, hint);
    } catch (error) {
      if (!refused(error)) throw error;
      welcome = await deps.commits
        .run(() => trellis.welcome.once(ref, hint))
        .catch((late: unknown) => {
          if (!refused(late)) throw late;
          log.warn('slack welcome not marked; it follows a later request', { code: 'storage_unavailable' });
          return undefined;
        });
    }
    if (welcome) await sendDirect(ref, welcome, `welcome:${key}`, hint);
  };

  /** Tells the coach something: in place when Slack gave us a response_url, else in their DM. */
  const tell = async (ref: CoachRef, reply: Message, key: string, respond?: RespondFn) => {
    if (respond) await respond({ ...ephemeral([reply]), replace_original: false });
    else await sendDirect(ref, reply, key);
  };

  /**
   * After a deletion the App Home tab still shows the coach's last check-ins and reflections until it is published
   * again: publish it empty. A failure is logged and the deletion stands.
   */
  const clearHome = async (client: WebClient, ref: CoachRef) => {
    const gone = message('Trellis holds nothing about you now. Check in to start afresh.');
    await client.views.publish({ user_id: ref.user, view: homeView(gone, message([])) }).catch((error: unknown) => {
      log.warn('slack home not cleared after a deletion', { code: slackErrorCode(error) });
    });
  };

  const openModal = async (
    client: WebClient,
    triggerId: string | undefined,
    view: Parameters<WebClient['views']['open']>[0]['view'],
    onBusy: () => Promise<void>,
  ) => {
    if (!triggerId) return onBusy();
    try {
      await withRateLimitRetry(() => client.views.open({ trigger_id: triggerId, view }), {
        budgetMs: MODAL_RATE_BUDGET_MS,
        sleep: deps.sleep,
      });
    } catch (error) {
      log.warn('slack views.open failed', { error });
      await onBusy();
    }
  };

  const openForm = async (
    kind: Exclude<Reply['type'], 'messages'>,
    ref: CoachRef,
    ctx: RequestContext,
    args: {
      client: WebClient;
      triggerId?: string;
      onBusy: () => Promise<void>;
    },
    prefill: SessionPrefill = {},
  ) => {
    // Registers the coach (with their Slack time zone) on first contact, before any form is filled in. Through the
    // group commit: after the ack, a lock the WAL checkpoint holds a moment is waited out, not refused in 5 ms.
    const coach = await deps.commits.run(() => trellis.coach(ref, ctx));
    const view =
      kind === 'session_form'
        ? sessionModal(prefill, trellis.today(coach))
        : kind === 'selfcheck_form'
          ? selfCheckModal()
          : settingsModal(coach.settings, coach.timeZoneSetByCoach);
    await openModal(args.client, args.triggerId, view, args.onBusy);
  };

  return { profileOf, asReply, sendDirect, welcomeAfter, tell, clearHome, openModal, openForm };
}

export type ListenerKit = ReturnType<typeof listenerKit>;

/** The session form's prefill a reply carries (a typed "/selfcheck session" carries none). */
export const prefillOf = (reply: Reply): SessionPrefill => (reply.type === 'session_form' ? reply.prefill : {});
