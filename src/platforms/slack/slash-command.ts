import type { Context, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { CoachTurn } from '../../core/coach-turn';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Reply, RequestContext } from '../../core/trellis';
import { uploadExportFiles } from './files';
import {
  BUSY,
  type CommandArgs,
  coachRef,
  ephemeral,
  FAILED,
  filesFailed,
  hasFiles,
  type ListenerDeps,
  type ListenerKit,
  prefillOf,
  slackErrorCode,
} from './listener-kit';
import { slashCommand } from './payloads';
import { logRefusedWrite, profileBeforeAck } from './write-first';

/** The welcome a command brings: the message (first time), nothing, or `later` (looked up after the ack). */
type WelcomeAfter = Message | undefined | 'later';

/** The /selfcheck slash command: answered in the ack when it can be, else through response_url. */
export function selfcheckCommand(deps: ListenerDeps, kit: ListenerKit): (args: CommandArgs) => Promise<void> {
  const { trellis, messenger, log } = deps;
  const { asReply, openForm } = kit;
  // ---- /selfcheck ----
  const onSelfcheck = async ({ ack: boltAck, body, respond, client, context }: CommandArgs) => {
    // A method, not a constant arrow function: no per-request naming under tsx (see receiver.ts).
    const gate = {
      acked: false,
      ack(response?: Parameters<typeof boltAck>[0]) {
        gate.acked = true;
        return boltAck(response);
      },
    };
    const { ack } = gate;
    try {
      await handleCommand(ack, body, respond, client, context);
    } catch (error) {
      // Something unexpected (not a mistake the coach made): say so, then let app.error record it.
      if (!gate.acked) await ack({ response_type: 'ephemeral', text: FAILED });
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
    const requestKey = `slack:command:${command.trigger_id}`;

    // The write comes before the ack, first contact included: Slack does not retry a 200, so a check-in it was told
    // about must already be stored. A coach's first request waits for users.info up to PROFILE_BUDGET_MS (their time
    // zone decides the check-in's date); a slower answer is stored once it comes, after the ack.
    const { hint, fillLater, late } = await profileBeforeAck(deps, client, ref);
    const ctx: RequestContext = { ...hint, requestKey, channel };
    // Through the group commit: the reply ("saved") exists only once the transaction holding the write is committed.
    // The welcome is looked up (and, the first time, marked) in the same transaction: no read of its own afterwards.
    // With the coach's profile still to come it waits until that is stored, as the welcome names their time zone.
    // The coach is read once in the work (a CoachTurn, as Teams does): the welcome's check then asks no second read.
    // A fresh one per attempt, since the group commit may run a work again; none outlives the transaction.
    const { reply, welcome } = await deps.commits
      .run(() => {
        const turn = new CoachTurn();
        const answer = trellis.runCommand(ref, 'selfcheck', unescapeText(command.text), { ...ctx, turn });
        const welcome = answer.type !== 'messages' ? undefined : late ? 'later' : welcomeWithin(ref, { ...hint, turn });
        return { reply: answer, welcome };
      })
      .catch((error: unknown): { reply: Reply; welcome: WelcomeAfter } => {
        logRefusedWrite(log, error, { path: 'command', ref, requestKey });
        return { reply: asReply(error), welcome: 'later' };
      });
    if (reply.type === 'messages' && hasFiles(reply.messages)) {
      await ack();
      await deliverFiles(client, ref, reply.messages, respond);
    } else if (reply.type === 'messages' && reply.messages.some((m) => m.chart)) {
      // A comparison (typed in the DM only): an ephemeral answer cannot carry a file, so it goes to the DM as a
      // message with its chart after it, the way the weekly summary's chart goes (messenger.ts).
      await ack();
      const drawn = await trellis.compare.drawCharts(reply.messages);
      for (const [i, m] of drawn.entries()) await kit.sendDirect(ref, m, `reply:${command.trigger_id}:${i}`, hint);
    } else if (reply.type === 'messages') {
      await ack(ephemeral(reply.messages));
    } else {
      await ack();
      const onBusy = () => respond({ response_type: 'ephemeral', text: BUSY }).then(() => undefined);
      await openForm(reply.type, ref, ctx, { client, triggerId: command.trigger_id, onBusy }, prefillOf(reply));
    }
    await fillLater();
    // A form open on the coach's screen is not interrupted: the welcome then follows their next command.
    if (reply.type !== 'messages') return;
    if (welcome === 'later') await kit.welcomeAfter(ref, hint, command.trigger_id);
    else if (welcome) await kit.sendDirect(ref, welcome, `welcome:${command.trigger_id}`, hint);
  };

  /**
   * The welcome, looked up inside the command's transaction. Anything going wrong here must not undo the check-in
   * (it would if it escaped the work), so it is left to the welcome's own path after the ack, as before.
   */
  function welcomeWithin(ref: CoachRef, hint: RequestContext): WelcomeAfter {
    try {
      return trellis.welcome.once(ref, hint);
    } catch {
      return 'later';
    }
  }

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
      await respond({ response_type: 'ephemeral', text: filesFailed(files) });
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

  return onSelfcheck;
}

/**
 * The manifest escapes the command's text (should_escape), so a mention arrives as "<@U123|name>" (what `mentor
 * invite` reads); channels and links are given back as typed ("#name", the URL), so notes keep them as written.
 */
export function unescapeText(text: string): string {
  return text
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, (_m, url: string) => url.replace(/^mailto:/, ''))
    .trim();
}
