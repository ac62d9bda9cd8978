import type { AllMiddlewareArgs } from '@slack/bolt';
import { isTrellisError } from '../../core/errors';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import { type ActionArgs, BUSY, coachRef, ephemeral, type ListenerDeps, type ListenerKit } from './listener-kit';
import { buttonAction, interaction, issueIdValue } from './payloads';
import { renderBlocks, renderFallbackText } from './render';
import { reflectModal } from './views';
import { writeAfterAck } from './write-first';

/** The buttons on Trellis's messages: prompts, share previews, the delete question, the forms. */
export function registerActions(
  actions: Map<string, (args: ActionArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, messenger, profiles } = deps;
  const { tell, clearHome, openModal, openForm } = kit;
  // ---- buttons ----
  const buttonContext = (args: AllMiddlewareArgs & { body: unknown; action: unknown }) => {
    const who = interaction.parse(args.body);
    const action = buttonAction.parse(args.action);
    const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
    return { who, action, ref };
  };

  /**
   * A button's write, committed before the ack (Slack sends a button press once): the reply to show, a message
   * saying what to fix, or FAILED when the write failed for another reason (logged; nothing of it was stored).
   */
  const writeThenAck = async (args: ActionArgs, ref: CoachRef, work: () => Message): Promise<Message> => {
    const reply = await writeAfterAck(deps, { path: (args.action as { action_id: string }).action_id, ref }, work);
    await args.ack();
    return reply;
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

  // "Go deeper" after a reflection: the next stage's question on the same moment; value = the prompt issue id.
  actions.set('deeper', async (args) => {
    await args.ack();
    const { who, action, ref } = buttonContext(args);
    const respond = who.response_url ? args.respond : undefined;
    const issueId = issueIdValue.safeParse(action.value ?? '');
    if (!issueId.success) return;
    const reply = await writeAfterAck(deps, { path: 'deeper', ref }, () => trellis.deeper.offer(ref, issueId.data));
    await tell(ref, reply, `deeper:${issueId.data}:${who.trigger_id}`, respond);
  });

  for (const status of ['skip', 'snooze'] as const) {
    actions.set(status, async (args) => {
      const { who, action, ref } = buttonContext(args);
      const respond = who.response_url ? args.respond : undefined;
      const issueId = issueIdValue.safeParse(action.value ?? '');
      if (!issueId.success) return args.ack();
      const reply = await writeThenAck(args, ref, () =>
        trellis.setPromptStatus(ref, issueId.data, status === 'skip' ? 'skipped' : 'snoozed'),
      );
      await tell(ref, reply, `${status}:${issueId.data}:${who.trigger_id}`, respond);
    });
  }

  // The Share button on a share preview: the coach's deliberate second step; value = the reflection id.
  actions.set('share', async (args) => {
    const { who, action, ref } = buttonContext(args);
    const respond = who.response_url ? args.respond : undefined;
    const reflectionId = issueIdValue.safeParse(action.value ?? '');
    if (!reflectionId.success) return args.ack();
    const reply = await writeThenAck(args, ref, () => trellis.shareReflection(ref, reflectionId.data));
    await tell(ref, reply, `share:${reflectionId.data}:${who.trigger_id}`, respond);
  });

  // "Save as a journal entry" / "That was a command" on a text that looked like a command; value = its pending id.
  for (const kind of ['journal_keep', 'journal_discard'] as const) {
    actions.set(kind, async (args) => {
      const { who, action, ref } = buttonContext(args);
      const respond = who.response_url ? args.respond : undefined;
      const pendingId = issueIdValue.safeParse(action.value ?? '');
      if (!pendingId.success) return args.ack();
      const reply = await writeThenAck(args, ref, () =>
        trellis.conversation.answer(ref, kind === 'journal_keep', {}, pendingId.data),
      );
      await tell(ref, reply, `${kind}:${pendingId.data}:${who.trigger_id}`, respond);
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
      const { who, ref } = buttonContext(args);
      const reply = await writeThenAck(args, ref, () => {
        if (who.message?.ts && who.channel?.id) messenger.forgetPosted(who.channel.id, who.message.ts);
        return kind === 'confirm_delete' ? trellis.confirmDelete(ref) : trellis.confirmDeleteMessages(ref);
      });
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
}
