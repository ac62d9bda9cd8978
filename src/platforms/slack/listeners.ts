import type {
  AllMiddlewareArgs,
  App,
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
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Clock, InboundEventRepository, Logger, WriteBatcher } from '../../core/ports';
import { validateSelfCheckForm } from '../../core/selfcheck';
import type { Reply, RequestContext, Trellis } from '../../core/trellis';
import { WELCOME_ACTIONS } from '../../core/welcome';
import { uploadExportFiles } from './files';
import type { SlackMessenger } from './messenger';
import {
  buttonAction,
  directMessage,
  eventEnvelope,
  homeOpened,
  interaction,
  issueIdValue,
  slashCommand,
  submittedView,
} from './payloads';
import type { ProfileHint, SlackProfiles } from './profiles';
import { type Sleep, withRateLimitRetry } from './rate-limit';
import { actionOf, renderBlocks, renderFallbackText } from './render';
import {
  homeView,
  readSelfCheckForm,
  readSettingsForm,
  reflectModal,
  selfCheckModal,
  settingsModal,
  toViewErrors,
  VIEWS,
  type ViewState,
} from './views';

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
const MODAL_RATE_BUDGET_MS = 2_000;
/** A DM can wait longer for Slack's rate limit. */
const DM_RATE_BUDGET_MS = 30_000;
/** An event claimed this long ago and never finished was dropped by a crash; its retry may take it over. */
const EVENT_CLAIM_STALE_MS = 60_000;
const EVENT_KEEP_MS = 24 * 60 * 60 * 1000;
const EVENT_PURGE_EVERY_MS = 60 * 60 * 1000;

const BUSY =
  'Slack is busy and the form could not open. Run the command again in a moment, or type the quick form: /selfcheck 4 3 5 4 4 2.';
const EXPORT_FAILED =
  'Slack did not accept the export files, so nothing was sent. Please run /selfcheck export again in a minute.';
const FAILED = 'Something went wrong on our side and nothing was saved. Please try again in a minute.';

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

function ephemeral(messages: readonly Message[]) {
  return {
    response_type: 'ephemeral' as const,
    text: messages.map(renderFallbackText).join('\n\n').slice(0, 3000),
    blocks: messages.flatMap(renderBlocks).slice(0, 50),
  };
}

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const hasFiles = (messages: readonly Message[]) => messages.some((m) => (m.files?.length ?? 0) > 0);

/** A Web API failure as its error code only: errors can carry request details, which stay out of logs. */
function slackErrorCode(error: unknown): string {
  const e = error as { data?: { error?: unknown }; code?: unknown };
  if (typeof e.data?.error === 'string') return e.data.error;
  return typeof e.code === 'string' ? e.code : 'unknown';
}
type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

/** Registers every Trellis listener. Each acknowledges first; slow work (Web API calls) happens after the ack. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { trellis, messenger, profiles, inbound, clock, log } = deps;
  // Bolt runs every listener's filters on every request, so modals, buttons and events get one listener each,
  // dispatching by id or type from these maps (with Bolt's conversation store off, this took about a fifth off each request's CPU).
  const views = new Map<string, (args: ViewArgs) => Promise<void>>();
  const actions = new Map<string, (args: ActionArgs) => Promise<void>>();
  const events = new Map<string, (args: EventArgs) => Promise<void>>();

  const profileOf = (client: WebClient, ref: CoachRef): Promise<ProfileHint> =>
    profiles.lookup(client, ref.tenant, ref.user);

  /** A mistake the coach can fix comes back as a message saying what to fix; anything else is thrown on. */
  const asReply = (error: unknown): Reply => {
    if (isTrellisError(error)) return { type: 'messages', messages: [message(error.message)] };
    throw error;
  };

  /** A DM to the coach, waiting out Slack's rate limit; `key` makes it findable after a crash. */
  const sendDirect = async (ref: CoachRef, reply: Message, key: string, ctx: RequestContext = {}) => {
    const coach = trellis.coach(ref, ctx);
    await withRateLimitRetry(() => messenger.sendDirect(coach, reply, key), {
      budgetMs: DM_RATE_BUDGET_MS,
      sleep: deps.sleep,
    });
  };

  /** The welcome, once per coach, in their DM after whatever they asked first was answered (core welcome.ts). */
  const welcomeAfter = async (ref: CoachRef, hint: RequestContext, key: string) => {
    const welcome = trellis.welcome.once(ref, hint);
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
    kind: 'selfcheck_form' | 'settings_form',
    ref: CoachRef,
    ctx: RequestContext,
    args: {
      client: WebClient;
      triggerId?: string;
      onBusy: () => Promise<void>;
    },
  ) => {
    // Registers the coach (with their Slack time zone) on first contact, before any form is filled in.
    const coach = trellis.coach(ref, ctx);
    const view = kind === 'selfcheck_form' ? selfCheckModal() : settingsModal(coach.settings, coach.timeZoneSetByCoach);
    await openModal(args.client, args.triggerId, view, args.onBusy);
  };

  // ---- /selfcheck ----
  const onSelfcheck = async ({ ack: boltAck, body, respond, client, context }: CommandArgs) => {
    let acked = false;
    const ack: typeof boltAck = (response) => {
      acked = true;
      return boltAck(response);
    };
    try {
      await handleCommand(ack, body, respond, client, context);
    } catch (error) {
      // Something unexpected (not a mistake the coach made): say so, then let app.error record it.
      if (!acked) await ack({ response_type: 'ephemeral', text: FAILED });
      else await respond({ response_type: 'ephemeral', text: FAILED }).catch(() => undefined);
      throw error;
    }
  };

  const handleCommand = async (
    ack: SlackCommandMiddlewareArgs['ack'],
    body: unknown,
    respond: RespondFn,
    client: WebClient,
    context: Context,
  ) => {
    const parsed = slashCommand.safeParse(body);
    if (!parsed.success) {
      await ack({ response_type: 'ephemeral', text: 'That command arrived incomplete; please try again.' });
      return;
    }
    const command = parsed.data;
    const ref = coachRef(context, { team: command.team_id, user: command.user_id });
    // Direct-message channel ids start with D; anything else is a channel or group the command was typed in.
    const channel: RequestContext['channel'] = command.channel_id
      ? {
          id: command.channel_id,
          kind: command.channel_id.startsWith('D') ? 'direct' : 'group',
          name: command.channel_name,
        }
      : undefined;
    const ctxWith = (hint: ProfileHint): RequestContext => ({
      ...hint,
      requestKey: `slack:command:${command.trigger_id}`,
      channel,
    });
    // Through the group commit: the reply ("saved") exists only once the transaction holding the write is committed.
    const execute = (hint: ProfileHint) =>
      deps.commits.run(() => trellis.runCommand(ref, 'selfcheck', command.text.trim(), ctxWith(hint))).catch(asReply);
    const formArgs = () => ({
      client,
      triggerId: command.trigger_id,
      onBusy: () => respond({ response_type: 'ephemeral', text: BUSY }).then(() => undefined),
    });

    // With the profile known the answer is local and fast (one SQLite write), so it goes in the ack itself.
    const known = profiles.cached(ref.tenant, ref.user);
    if (known) {
      const reply = await execute(known);
      if (reply.type === 'messages' && hasFiles(reply.messages)) {
        await ack();
        await deliverFiles(client, ref, reply.messages, respond);
      } else if (reply.type === 'messages') {
        await ack(ephemeral(reply.messages));
      } else {
        await ack();
        await openForm(reply.type, ref, ctxWith(known), formArgs());
      }
      // A form open on the coach's screen is not interrupted: the welcome then follows their next command.
      if (reply.type === 'messages') await welcomeAfter(ref, known, command.trigger_id);
      return;
    }
    // First contact: ack at once, ask Slack for the time zone, then answer through response_url.
    await ack();
    const hint = await profileOf(client, ref);
    const reply = await execute(hint);
    if (reply.type === 'messages' && hasFiles(reply.messages)) await deliverFiles(client, ref, reply.messages, respond);
    else if (reply.type === 'messages') await respond(ephemeral(reply.messages));
    else await openForm(reply.type, ref, ctxWith(hint), formArgs());
    if (reply.type === 'messages') await welcomeAfter(ref, hint, command.trigger_id);
  };

  /**
   * An export: the files go to the coach's DM (never the channel the command was typed in), then the command is
   * answered ephemerally that they are there. A failed upload says so; the file contents are never logged.
   */
  const deliverFiles = async (client: WebClient, ref: CoachRef, replies: readonly Message[], respond: RespondFn) => {
    const files = replies.flatMap((m) => m.files ?? []);
    try {
      const opened = await client.conversations.open({ users: ref.user });
      const dm = opened.channel?.id;
      if (!dm) throw new Error('conversations.open returned no channel');
      await uploadExportFiles(client, dm, files, messenger.recordFiles(ref.tenant, ref.user, dm));
      log.info('slack export delivered', { files: files.length });
    } catch (error) {
      log.warn('slack export upload failed', { code: slackErrorCode(error) });
      await respond({ response_type: 'ephemeral', text: EXPORT_FAILED });
      return;
    }
    const names = files.map((f) => f.filename).join(', ');
    await respond(
      ephemeral([
        ...replies.map((m) => ({ ...m, files: undefined })),
        message(`The ${files.length} files (${names}) are in our direct messages.`),
      ]),
    );
  };

  // ---- the self-check modal ----
  views.set(VIEWS.selfcheck, async ({ ack, body, view, client, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    if (!parsedView.success || !who.success) {
      await ack({
        response_action: 'errors',
        errors: { context: 'The form arrived incomplete; open /selfcheck again.' },
      });
      return;
    }
    const result = validateSelfCheckForm(readSelfCheckForm(parsedView.data.state.values as ViewState));
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: toViewErrors(result.errors) });
      return;
    }
    await ack();
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const viewId = parsedView.data.id;
    const hint = await profileOf(client, ref);
    let recorded: ReturnType<Trellis['recordSelfCheck']>;
    try {
      // The view id is the request key: a resubmission of the same modal records nothing twice.
      recorded = trellis.recordSelfCheck(ref, result.value, { ...hint, requestKey: `slack:view:${viewId}` });
    } catch (error) {
      // The modal has closed, so the coach hears it in the DM; app.error keeps the record.
      await sendDirect(ref, message(FAILED), `failed:${viewId}`).catch(() => undefined);
      throw error;
    }
    const { created, reply, check } = recorded;
    if (!created) {
      log.info('slack self-check resubmitted; already recorded', { checkId: check.id });
      return;
    }
    await sendDirect(ref, reply, `selfcheck:${check.id}`, hint);
  });

  // ---- the settings modal ----
  views.set(VIEWS.settings, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    if (!parsedView.success || !who.success) {
      await ack({ response_action: 'errors', errors: { time: 'The form arrived incomplete; open settings again.' } });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    const coach = trellis.coach(ref, hint);
    const form = readSettingsForm(parsedView.data.state.values as ViewState, coach.settings, trellis.today(coach));
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    trellis.updateSettings(ref, form.settings, hint);
    log.info('settings changed', { coach: coach.id });
    await sendDirect(ref, trellis.settings(ref, hint), `settings:${parsedView.data.id}`);
  });

  // ---- the Reflect modal ----
  views.set(VIEWS.reflect, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    const issueId = issueIdValue.safeParse(parsedView.data?.private_metadata ?? '');
    if (!parsedView.success || !who.success || !issueId.success) {
      await ack({
        response_action: 'errors',
        errors: { reflection: 'The form arrived incomplete; press Reflect again.' },
      });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const text = parsedView.data.state.values.reflection?.text?.value ?? '';
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    // Checking and saving is one fast local core call, so it runs before the ack: a problem shows beside the field.
    let saved: ReturnType<Trellis['saveReflection']>;
    try {
      saved = trellis.saveReflection(
        ref,
        text,
        { ...hint, requestKey: `slack:view:${parsedView.data.id}` },
        issueId.data,
      );
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      await ack({ response_action: 'errors', errors: { reflection: error.message } });
      return;
    }
    await ack();
    if (saved.created) await sendDirect(ref, saved.reply, `reflection:${saved.reflection.id}`, hint);
  });

  // ---- buttons ----
  const buttonContext = (args: AllMiddlewareArgs & { body: unknown; action: unknown }) => {
    const who = interaction.parse(args.body);
    const action = buttonAction.parse(args.action);
    const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
    return { who, action, ref };
  };

  actions.set('reflect', async (args) => {
    await args.ack();
    const { who, action, ref } = buttonContext(args);
    const respond = who.response_url ? args.respond : undefined;
    const issueId = issueIdValue.safeParse(action.value ?? '');
    if (!issueId.success) return;
    let promptText: string;
    try {
      promptText = trellis.promptForIssue(ref, issueId.data).prompt.text;
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      await tell(ref, message(error.message), `reflect-missing:${who.trigger_id}`, respond);
      return;
    }
    await openModal(args.client, who.trigger_id, reflectModal(issueId.data, promptText), () =>
      tell(
        ref,
        message('Slack is busy; reply to the prompt here in the chat instead, it is saved the same way.'),
        `busy:${who.trigger_id}`,
        respond,
      ),
    );
  });

  for (const status of ['skip', 'snooze'] as const) {
    actions.set(status, async (args) => {
      await args.ack();
      const { who, action, ref } = buttonContext(args);
      const respond = who.response_url ? args.respond : undefined;
      const issueId = issueIdValue.safeParse(action.value ?? '');
      if (!issueId.success) return;
      let reply: Message;
      try {
        reply = trellis.setPromptStatus(ref, issueId.data, status === 'skip' ? 'skipped' : 'snoozed');
      } catch (error) {
        if (!isTrellisError(error)) throw error;
        reply = message(error.message);
      }
      await tell(ref, reply, `${status}:${issueId.data}:${who.trigger_id}`, respond);
    });
  }

  // The Share button on a share preview: the coach's deliberate second step; value = the reflection id.
  actions.set('share', async (args) => {
    await args.ack();
    const { who, action, ref } = buttonContext(args);
    const respond = who.response_url ? args.respond : undefined;
    const reflectionId = issueIdValue.safeParse(action.value ?? '');
    if (!reflectionId.success) return;
    let reply: Message;
    try {
      reply = trellis.shareReflection(ref, reflectionId.data);
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      reply = message(error.message);
    }
    await tell(ref, reply, `share:${reflectionId.data}:${who.trigger_id}`, respond);
  });

  // "Save as a journal entry" / "That was a command" on a text that looked like a command; value = its pending id.
  for (const kind of ['journal_keep', 'journal_discard'] as const) {
    actions.set(kind, async (args) => {
      await args.ack();
      const { who, action, ref } = buttonContext(args);
      const respond = who.response_url ? args.respond : undefined;
      const pendingId = issueIdValue.safeParse(action.value ?? '');
      if (!pendingId.success) return;
      const reply = trellis.conversation.answer(ref, kind === 'journal_keep', {}, pendingId.data);
      await tell(ref, reply, `${kind}:${pendingId.data}:${who.trigger_id}`, respond);
    });
  }

  // The welcome's answers (core welcome.ts): the credential, the one worked toward, each kind of practice.
  for (const kind of WELCOME_ACTIONS) {
    actions.set(kind, async (args) => {
      await args.ack();
      const { who, action, ref } = buttonContext(args);
      const reply = trellis.welcome.choose(ref, kind, action.value, profiles.cached(ref.tenant, ref.user) ?? {});
      await tell(ref, reply, `${kind}:${action.value}:${who.trigger_id}`, who.response_url ? args.respond : undefined);
    });
  }

  /**
   * Answers a button on an ephemeral question (delete, share preview) in its place, so it cannot be pressed twice.
   * Without a response_url it posts to the conversation the button was in, without registering the coach (after a
   * deletion that would bring a coach row back).
   */
  const answerInPlace = async (
    args: ActionArgs,
    who: { channel?: { id: string } | null },
    ref: CoachRef,
    reply: Message,
  ) => {
    const respondUrl = (args.body as { response_url?: string }).response_url;
    if (respondUrl) {
      await args.respond({ ...ephemeral([reply]), replace_original: true });
      return;
    }
    if (!who.channel?.id) return;
    const posted = await args.client.chat.postMessage({
      channel: who.channel.id,
      text: renderFallbackText(reply),
      blocks: renderBlocks(reply),
    });
    // Recorded for removal like every DM (not after a deletion: the store keeps no row for a coach it no longer holds).
    if (posted.ts) {
      const { tenant, user } = ref;
      messenger.recordPosted({ tenant, user, kind: 'message', conversation: who.channel.id, itemId: posted.ts });
    }
  };

  // "Delete everything" on the delete question: every row about the coach goes (core confirmDelete).
  // "Delete messages only": Trellis's messages and files leave the DM; the journal stays. Either way the question,
  // which the answer replaces, is not removed with the rest: the answer says what Trellis cannot remove.
  for (const kind of ['confirm_delete', 'confirm_delete_messages'] as const) {
    actions.set(kind, async (args) => {
      await args.ack();
      const { who, ref } = buttonContext(args);
      if (who.message?.ts && who.channel?.id) messenger.forgetPosted(who.channel.id, who.message.ts);
      const reply = kind === 'confirm_delete' ? trellis.confirmDelete(ref) : trellis.confirmDeleteMessages(ref);
      await answerInPlace(args, who, ref, reply);
      if (kind === 'confirm_delete') await clearHome(args.client, ref);
    });
  }

  // Cancel on the delete question (value 'delete') or "Keep it private" on a share preview (value = reflection id).
  actions.set('cancel', async (args) => {
    await args.ack();
    const { who, action, ref } = buttonContext(args);
    await answerInPlace(args, who, ref, trellis.cancelAction(action.value));
  });

  for (const kind of ['open_selfcheck', 'open_settings'] as const) {
    actions.set(kind, async (args) => {
      await args.ack();
      const { who, ref } = buttonContext(args);
      const respond = who.response_url ? args.respond : undefined;
      const hint = profiles.cached(ref.tenant, ref.user) ?? {};
      await openForm(kind === 'open_selfcheck' ? 'selfcheck_form' : 'settings_form', ref, hint, {
        client: args.client,
        triggerId: who.trigger_id,
        onBusy: () => tell(ref, message(BUSY), `busy:${who.trigger_id}`, respond),
      });
    });
  }

  // Slack stops retrying an event within the hour; claims older than a day are only clutter.
  let lastPurge = 0;
  const forgetOldEvents = (now: Date) => {
    if (now.getTime() - lastPurge < EVENT_PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    inbound.purge(new Date(now.getTime() - EVENT_KEEP_MS).toISOString());
  };

  // ---- plain messages in the DM: a reflection, or a typed command ----
  events.set('message', async ({ event, body, client, context }) => {
    const dm = directMessage.safeParse(event);
    if (!dm.success) {
      // Edits, joins, bot messages, channel messages: not a coach writing to Trellis.
      log.debug('slack message event ignored', { issue: dm.error.issues[0]?.path.join('.') });
      return;
    }
    const envelope = eventEnvelope.parse(body);
    const now = clock.now();
    const claimed = inbound.claim(
      'slack',
      envelope.event_id,
      now.toISOString(),
      new Date(now.getTime() - EVENT_CLAIM_STALE_MS).toISOString(),
    );
    if (!claimed) {
      log.info('slack event already handled', { eventId: envelope.event_id, retryNum: context.retryNum });
      return;
    }
    forgetOldEvents(now);
    const ref = coachRef(context, { team: envelope.team_id, user: dm.data.user });
    const hint = await profileOf(client, ref);
    const knownBefore = trellis.knows(ref);
    let reply: Reply;
    try {
      reply = trellis.handleText(ref, dm.data.text, {
        ...hint,
        requestKey: `slack:event:${envelope.event_id}`,
        channel: { id: dm.data.channel, kind: 'direct' },
      });
    } catch (error) {
      await sendDirect(ref, message(FAILED), `failed:${envelope.event_id}`).catch(() => undefined);
      throw error;
    }
    const messages =
      reply.type === 'messages'
        ? reply.messages
        : [
            message(reply.type === 'selfcheck_form' ? 'Open the self-check form:' : 'Open your settings:', {
              buttons: [
                reply.type === 'selfcheck_form'
                  ? { action: 'open_selfcheck', label: 'Check in', style: 'primary' }
                  : { action: 'open_settings', label: 'Settings' },
              ],
            }),
          ];
    // "delete confirm" typed in the DM: the answer goes into this DM, unrecorded, without registering the coach again.
    if (knownBefore && !trellis.knows(ref)) {
      for (const m of messages) {
        await messenger.sendNotice({ tenant: ref.tenant, user: ref.user, conversation: dm.data.channel }, m);
      }
      await clearHome(client, ref);
      inbound.finish('slack', envelope.event_id, clock.now().toISOString());
      return;
    }
    for (const [i, m] of messages.entries()) {
      await sendDirect(ref, { ...m, files: undefined }, `reply:${envelope.event_id}:${i}`, hint);
      // "export" typed in the DM: its files follow the message there.
      if (m.files?.length) {
        const onUploaded = messenger.recordFiles(ref.tenant, ref.user, dm.data.channel);
        await uploadExportFiles(client, dm.data.channel, m.files, onUploaded).then(
          () => log.info('slack export delivered', { files: m.files?.length }),
          async (error) => {
            log.warn('slack export upload failed', { code: slackErrorCode(error) });
            await sendDirect(ref, message(EXPORT_FAILED), `export-failed:${envelope.event_id}:${i}`, hint);
          },
        );
      }
    }
    await welcomeAfter(ref, hint, envelope.event_id);
    inbound.finish('slack', envelope.event_id, clock.now().toISOString());
  });

  // ---- App Home ----
  events.set('app_home_opened', async ({ event, client, context }) => {
    const opened = homeOpened.safeParse(event);
    if (!opened.success || opened.data.tab !== 'home') return;
    const ref = coachRef(context, { user: opened.data.user });
    const hint = await profileOf(client, ref);
    const view = homeView(
      trellis.history(ref, hint),
      trellis.trend(ref, hint),
      trellis.journal.show(trellis.coach(ref, hint), '', {}),
    );
    await withRateLimitRetry(() => client.views.publish({ user_id: opened.data.user, view }), {
      budgetMs: DM_RATE_BUDGET_MS,
      sleep: deps.sleep,
    });
  });

  // ---- routing ----
  // One Bolt middleware routes every request, instead of a listener per kind (app.command, app.view, app.action,
  // app.event). Bolt runs every listener's filter chain on every request, copying all its arguments at each step;
  // four listeners cost about 13 µs of CPU per request more than one (bench/slack-ack), on the busiest path.
  // Unknown commands, views, actions and events are left unacknowledged: the receiver answers them with a 400.
  app.use(async (args) => {
    if ('command' in args) {
      if (args.command.command === '/selfcheck') await onSelfcheck(args);
    } else if ('view' in args) {
      if (args.body.type !== 'view_submission') return;
      const handler = views.get(args.view.callback_id);
      if (handler) await handler(args);
      else await args.ack();
    } else if ('action' in args) {
      if (args.body.type !== 'block_actions') return;
      const handler = actions.get(actionOf((args.action as { action_id: string }).action_id));
      if (handler) await handler(args as ActionArgs);
      else await args.ack();
    } else if ('event' in args) {
      await events.get(args.event.type)?.(args);
    }
  });
}
