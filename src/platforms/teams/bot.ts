import { type Activity, ActivityHandler, type InvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { BEHAVIOUR_KEYS } from '../../core/behaviours';
import { CoachTurn } from '../../core/coach-turn';
import { FILE_NOT_KEPT } from '../../core/conversation';
import { isTrellisError, type TrellisError } from '../../core/errors';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Logger, PostedItemRecorder, WriteBatcher } from '../../core/ports';
import { validateSelfCheckForm } from '../../core/selfcheck';
import type { Reply, RequestContext, Trellis } from '../../core/trellis';
import { consentActivities, FILE_CONSENT_INVOKE, handleFileConsent } from './file-consent';
import { MENTOR_RATING_SUBMIT, sendMentorCard, submitMentorCard, withMentionIds } from './mentor-card';
import { channelIdOf, coachRefOf, isPersonal, type TeamsReferences, tenantOf } from './references';
import { ACTION_FIELD, cardUpdate, reflectionActivity, renderActivity, selfCheckActivity } from './render';
import { sessionCardActivity, submitSessionCard } from './session-card';
import { settingsCardActivity, submitSettingsCard } from './settings-card';

export interface TeamsBotDeps {
  trellis: Trellis;
  references: TeamsReferences;
  log: Logger;
  /** Typed messages' writes share a commit with others arriving together; the reply waits for the commit. */
  commits: WriteBatcher;
  /** How long the upload of one export file may take (file-consent.ts; tests shorten it). */
  uploadTimeoutMs?: number;
  /** The record of what Trellis sent: the delete question's card is dropped from it (its answer replaces it). */
  recorder?: PostedItemRecorder;
}

/** What an Action.Submit brings back in `activity.value` (see render.ts); inputs arrive as strings. */
const submitSchema = z.looseObject({
  [ACTION_FIELD]: z.string().max(40),
  value: z.string().max(40).optional(),
  note: z.string().optional(),
  reflection: z.string().optional(),
  ...Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, z.union([z.string(), z.number()]).optional()])),
});
type Submit = z.infer<typeof submitSchema>;

/** Commands a channel may run; everything else is personal and stays in the coach's own chat. */
const CHANNEL_COMMANDS = new Set(['digest', 'group', 'help']);

/**
 * Trellis in Teams: translates activities into core calls and core replies into activities. It stores the
 * conversation reference of every install and message first, so proactive prompts can reach the coach later.
 */
export class TrellisTeamsBot extends ActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onMessage(async (context, next) => {
      this.deps.references.remember(context.activity);
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const { activity } = context;
      const botAdded = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
      if (botAdded) {
        this.deps.references.remember(activity);
        this.deps.log.info('teams: installed', { personal: isPersonal(activity) });
        if (isPersonal(activity)) {
          // A first install gets the welcome with its questions (recorded, so only once). An install after the
          // coach's first message (the welcome followed that) or a reinstall gets no second welcome (welcome.ts).
          const { trellis } = this.deps;
          const ref = coachRefOf(activity);
          const ctx = this.context(activity);
          trellis.coach(ref, ctx);
          const greeting = trellis.welcome.once(ref, ctx) ?? trellis.welcome.again(ref);
          if (greeting) await context.sendActivity(renderActivity(greeting));
        }
      }
      await next();
    });
    // Teams also sends installationUpdate on install; the reference is stored, the welcome comes once (above).
    this.onInstallationUpdateAdd(async (context, next) => {
      this.deps.references.remember(context.activity);
      await next();
    });
  }

  /** The coach's answer to an export file's consent card; other invokes go to botbuilder's defaults. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== FILE_CONSENT_INVOKE) return super.onInvokeActivity(context);
    const { trellis, log, uploadTimeoutMs } = this.deps;
    return handleFileConsent(context, { trellis, log, uploadTimeoutMs });
  }

  private context(activity: Activity): RequestContext {
    return {
      requestKey: activity.id ? `teams:${activity.id}` : undefined,
      timeZone: activity.localTimezone || undefined,
      displayName: activity.from?.name || undefined,
      // Export files go out one by one as the coach allows each (file-consent.ts) and are audited then.
      filesOnConsent: true,
    };
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const ref = coachRefOf(activity);
    const ctx = this.context(activity);
    try {
      if (!isPersonal(activity)) {
        await this.handleChannelMessage(context, ref, ctx);
      } else if (activity.value !== undefined && activity.value !== null) {
        await this.handleSubmit(context, ref, ctx);
      } else {
        const text = await withMentionIds(context, textWithoutMention(activity));
        const { trellis } = this.deps;
        // A file or image sent to Trellis: its words are kept as any message's; the file is not (the coach is told).
        const file = hasFile(activity);
        const { reply, deleted, turnCtx } = await this.deps.commits.run(() => {
          // The coach is looked up once for the turn and passed down (core/coach-turn.ts); a fresh memo each time
          // the group commit runs this work, so a rolled-back attempt's rows are never taken for stored ones.
          const turn = new CoachTurn();
          const turnCtx: RequestContext = { ...ctx, turn };
          const answer: Reply =
            file && text === '' ? { type: 'messages', messages: [] } : trellis.handleText(ref, text, turnCtx);
          // Only a typed delete removes the coach in a turn; the row is asked about only then (it may have failed).
          return { reply: answer, deleted: turn.deleteRan && !trellis.knows(ref, turnCtx), turnCtx };
        });
        // "delete confirm" typed: the stored conversation reference goes with the coach's data.
        if (deleted) this.deps.references.forgetPersonal(tenantOf(activity), ref.user);
        await this.sendReply(context, ref, ctx, reply);
        if (file) await context.sendActivity(renderActivity(message(FILE_NOT_KEPT)));
        // Teams sends the install (and so the welcome) before any message; if Trellis never saw it, the welcome
        // follows the first message, once (recorded), after its answer. A card on screen is a message, not a form.
        const welcome = this.welcomeOnce(ref, turnCtx);
        if (welcome) await context.sendActivity(renderActivity(welcome));
      }
    } catch (error) {
      // Something the coach can fix: say what. Anything else goes to the adapter's onTurnError.
      if (!isTrellisError(error)) throw error;
      this.logRefused(error, ref, ctx);
      await context.sendActivity(renderActivity(message(error.message)));
    }
  }

  /** The welcome if it is still owed; a refused write (read-only database) leaves it for a later message. */
  private welcomeOnce(ref: CoachRef, ctx: RequestContext): Message | undefined {
    try {
      return this.deps.trellis.welcome.once(ref, ctx);
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      this.logRefused(error, ref, ctx);
      return undefined;
    }
  }

  /** A refused write (locked, read-only or full database): ids and the kind, never the coach's words. */
  private logRefused(error: TrellisError, ref: CoachRef, ctx: RequestContext): void {
    if (error.code !== 'storage_unavailable') return;
    const { tenant, user } = ref;
    this.deps.log.warn('teams write refused', {
      tenant,
      user,
      requestKey: ctx.requestKey,
      kind: error.code,
      detail: error.detail,
    });
  }

  /**
   * In a channel only channel commands run (digest here, group join …), with the channel in the context. Card
   * submits and personal commands are turned away, so a coach's ratings or notes are never answered in a channel.
   */
  private async handleChannelMessage(context: TurnContext, ref: CoachRef, ctx: RequestContext): Promise<void> {
    const { activity } = context;
    const text = (await withMentionIds(context, textWithoutMention(activity))).replace(/^\/?selfcheck\b/i, '').trim();
    const first = text.split(/\s+/)[0]?.toLowerCase() ?? '';
    // "mentor invite @name" may be typed in a channel, where the person can be mentioned; the rest stays personal.
    if (!CHANNEL_COMMANDS.has(first) && !/^mentor\s+invite\b/i.test(text)) {
      await context.sendActivity(
        renderActivity(
          message(
            'In a channel I take channel commands only: *digest here* to make this a peer-supervision channel, *group join* to take part. For your own self-checks and reflections, message me in a personal chat.',
          ),
        ),
      );
      return;
    }
    const channelData = activity.channelData as { channel?: { name?: unknown } } | undefined;
    const name = typeof channelData?.channel?.name === 'string' ? channelData.channel.name : activity.conversation.name;
    const channelCtx: RequestContext = {
      ...ctx,
      channel: { id: channelIdOf(activity), kind: 'group', ...(name ? { name } : {}) },
    };
    this.deps.log.info('teams: channel command', { command: first });
    await this.sendReply(context, ref, channelCtx, this.deps.trellis.runSelfcheckArgs(ref, text, channelCtx));
  }

  private async handleSubmit(context: TurnContext, ref: CoachRef, ctx: RequestContext): Promise<void> {
    const parsed = submitSchema.safeParse(context.activity.value);
    if (!parsed.success) {
      await context.sendActivity(renderActivity(message('I could not read that card. Type "help" to start again.')));
      return;
    }
    const data = parsed.data;
    const { trellis } = this.deps;
    const issueId = Number(data.value);
    switch (data[ACTION_FIELD]) {
      case 'selfcheck_submit':
        return this.submitSelfCheck(context, ref, ctx, data);
      case 'open_selfcheck':
        await context.sendActivity(selfCheckActivity());
        return;
      case 'open_session': {
        // "Log this session" on an after-session message (value "e<event id>"): the card, filled in from the event.
        const today = trellis.today(trellis.coach(ref, ctx));
        await context.sendActivity(sessionCardActivity(trellis.journey.prefill(ref, data.value), today));
        return;
      }
      case 'session_submit':
        return submitSessionCard(context, trellis, ref, ctx);
      case 'mentor_accept':
      case 'mentor_decline': {
        // The invitation's answer (value "r<relation id>"): the card shows it, so it cannot be answered twice.
        const m = /^r(\d{1,12})$/.exec(data.value ?? '');
        if (!m) break;
        const accept = data[ACTION_FIELD] === 'mentor_accept';
        const reply = await this.deps.commits.run(() =>
          trellis.mentors.answer(trellis.coach(ref, ctx), Number(m[1]), accept),
        );
        await this.replaceCard(context, reply);
        return;
      }
      case 'mentor_rate':
        return sendMentorCard(context, trellis, ref, data.value);
      case MENTOR_RATING_SUBMIT:
        return submitMentorCard(context, trellis, ref, data.value);
      case 'open_settings':
        await context.sendActivity(settingsCardActivity(trellis.coach(ref, ctx).settings, trellis.now()));
        return;
      case 'settings_submit':
        return submitSettingsCard(context, trellis, ref, ctx);
      case 'reflect':
        await context.sendActivity(reflectionActivity(data.value ?? ''));
        return;
      case 'reflection_submit':
        return this.submitReflection(context, ref, ctx, data);
      case 'share': {
        // The Share button on a share preview: the coach's deliberate second step; value = the reflection id.
        if (!/^\d{1,12}$/.test(data.value ?? '')) break;
        await this.replaceCard(context, trellis.shareReflection(ref, Number(data.value), ctx));
        return;
      }
      case 'confirm_delete':
      case 'confirm_delete_messages': {
        // The question's card shows the answer (what Trellis cannot remove), so it is kept out of the removal.
        const { replyToId, conversation } = context.activity;
        if (replyToId) this.deps.recorder?.forget('teams', conversation.id, replyToId);
        if (data[ACTION_FIELD] === 'confirm_delete_messages') {
          await this.replaceCard(context, trellis.confirmDeleteMessages(ref));
          return;
        }
        // Every row about the coach goes, and the conversation reference stored for proactive sends with it.
        const reply = trellis.confirmDelete(ref);
        this.deps.references.forgetPersonal(tenantOf(context.activity), ref.user);
        await this.replaceCard(context, reply);
        return;
      }
      case 'cancel':
        // The delete question's Cancel (value 'delete') or a share preview's "Keep it private" (a reflection id).
        await this.replaceCard(context, trellis.cancelAction(data.value));
        return;
      case 'journal_keep':
      case 'journal_discard': {
        // "Save as a journal entry" / "That was a command"; value = the pending text's id.
        if (!/^\d{1,12}$/.test(data.value ?? '')) break;
        const keep = data[ACTION_FIELD] === 'journal_keep';
        await this.replaceCard(context, trellis.conversation.answer(ref, keep, ctx, Number(data.value)));
        return;
      }
      case 'deeper':
        // "Go deeper" after a reflection: the next stage's question on the same moment; value = the prompt issue id.
        if (!Number.isInteger(issueId)) break;
        await context.sendActivity(renderActivity(this.deeperQuestion(ref, issueId, ctx)));
        return;
      case 'welcome_level':
      case 'welcome_toward':
      case 'welcome_practice': {
        // The welcome's answers: a practice toggles in place on its card; the level's answer comes below the welcome.
        const reply = trellis.welcome.choose(ref, data[ACTION_FIELD], data.value, ctx);
        if (data[ACTION_FIELD] === 'welcome_practice') await this.replaceCard(context, reply);
        else await context.sendActivity(renderActivity(reply));
        return;
      }
      case 'skip':
      case 'snooze':
        if (!Number.isInteger(issueId)) break;
        await context.sendActivity(
          renderActivity(
            trellis.setPromptStatus(ref, issueId, data[ACTION_FIELD] === 'skip' ? 'skipped' : 'snoozed', ctx),
          ),
        );
        return;
    }
    await context.sendActivity(
      renderActivity(message('That button is not available here. Type "help" for what I can do.')),
    );
  }

  private deeperQuestion(ref: CoachRef, issueId: number, ctx: RequestContext): Message {
    try {
      return this.deps.trellis.deeper.offer(ref, issueId, ctx);
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      return message(error.message);
    }
  }

  private async submitSelfCheck(context: TurnContext, ref: CoachRef, ctx: RequestContext, data: Submit): Promise<void> {
    const values: Record<string, string> = {};
    for (const key of BEHAVIOUR_KEYS) {
      const v = data[key];
      if (v !== undefined && v !== '') values[key] = String(v);
    }
    const result = validateSelfCheckForm({ ratings: values, note: data.note ?? null });
    if (!result.ok) {
      // Send the card again with the coach's answers kept and each problem beside its field.
      await context.sendActivity(selfCheckActivity({ values, note: data.note, errors: result.errors }));
      return;
    }
    const { reply } = this.deps.trellis.recordSelfCheck(ref, result.value, ctx);
    await this.replaceCard(context, reply);
  }

  private async submitReflection(
    context: TurnContext,
    ref: CoachRef,
    ctx: RequestContext,
    data: Submit,
  ): Promise<void> {
    const issueId = data.value !== undefined && /^\d+$/.test(data.value) ? Number(data.value) : undefined;
    try {
      const { reply } = this.deps.trellis.saveReflection(ref, data.reflection ?? '', ctx, issueId);
      await this.replaceCard(context, reply);
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      this.logRefused(error, ref, ctx);
      await context.sendActivity(reflectionActivity(data.value ?? '', undefined, error.message));
    }
  }

  /** Replaces the submitted card with the answer, so it cannot be sent twice; without a card id, answers it. */
  private async replaceCard(context: TurnContext, reply: Message): Promise<void> {
    const cardId = context.activity.replyToId;
    if (!cardId) {
      await context.sendActivity(renderActivity(reply));
      return;
    }
    await context.updateActivity(cardUpdate(cardId, reply));
  }

  private async sendReply(context: TurnContext, ref: CoachRef, ctx: RequestContext, reply: Reply): Promise<void> {
    if (reply.type === 'selfcheck_form') {
      await context.sendActivity(selfCheckActivity());
    } else if (reply.type === 'session_form') {
      const today = this.deps.trellis.today(this.deps.trellis.coach(ref, ctx));
      await context.sendActivity(sessionCardActivity(reply.prefill, today));
    } else if (reply.type === 'settings_form') {
      const { trellis } = this.deps;
      await context.sendActivity(settingsCardActivity(trellis.coach(ref, ctx).settings, trellis.now()));
    } else if (reply.messages.length > 0) {
      // A comparison's chart is drawn into its card (a data URI, as the weekly summary's); an export's files follow
      // their message as consent cards: each is uploaded once the coach allows it.
      const drawn = await this.deps.trellis.compare.drawCharts(reply.messages);
      await context.sendActivities(
        drawn.flatMap((m) => [
          renderActivity(m.files?.length ? { ...m, files: undefined, footer: CONSENT_FOOTER } : m),
          ...consentActivities(m.files ?? [], ref),
        ]),
      );
    }
  }
}

/** Under an export's message in Teams: what the cards below it ask. */
const CONSENT_FOOTER =
  'Teams asks you to allow each file: Allow saves it to your OneDrive and shows it here; Decline sends nothing.';

/** A file (Teams' download info) or an inline image in a personal message; cards and mentions are not files. */
function hasFile(activity: Activity): boolean {
  return (activity.attachments ?? []).some(
    (a) => a.contentType === 'application/vnd.microsoft.teams.file.download.info' || a.contentType.startsWith('image/'),
  );
}

/** The text without the bot's @mention (Teams puts "<at>Trellis</at>" in the text, with a mention entity). */
function textWithoutMention(activity: Activity): string {
  if (!activity.text) return '';
  return (TurnContext.removeRecipientMention(activity) ?? activity.text)
    .trim()
    .replace(/^<at>[^<]*<\/at>\s*/, '')
    .trim();
}
