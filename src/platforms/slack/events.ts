import { FILE_NOT_KEPT } from '../../core/conversation';
import { isTrellisError } from '../../core/errors';
import { message } from '../../core/message';
import type { Reply } from '../../core/trellis';
import { isDatabaseLocked, refusalSince, storageRefusals } from '../../store/errors';
import { uploadExportFiles } from './files';
import {
  coachRef,
  DM_RATE_BUDGET_MS,
  type EventArgs,
  FAILED,
  filesFailed,
  type ListenerDeps,
  type ListenerKit,
  slackErrorCode,
} from './listener-kit';
import { directMessage, eventEnvelope, homeOpened } from './payloads';
import { withRateLimitRetry } from './rate-limit';
import { openSessionButton } from './session-modal';
import { homeView } from './views';
import { logRefusedWrite, NOT_STORED_YET, profileBeforeAck, releaseAck, slackRetriesLater } from './write-first';

/** An event claimed this long ago and never finished was dropped by a crash; its retry may take it over. */
/** The App Home tab of someone Trellis holds nothing about: opening it registers nobody. */
const NOTHING_HELD = 'Trellis holds nothing about you. Check in or write to me here to start.';
const EVENT_CLAIM_STALE_MS = 60_000;
const EVENT_KEEP_MS = 24 * 60 * 60 * 1000;
const EVENT_PURGE_EVERY_MS = 60 * 60 * 1000;

/** Events: plain messages in the DM (a reflection or a typed command), and the App Home tab. */
export function registerEvents(
  events: Map<string, (args: EventArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, messenger, inbound, clock, log } = deps;
  const { profileOf, sendDirect, clearHome } = kit;
  // Slack stops retrying an event within the hour; claims older than a day are only clutter.
  let lastPurge = 0;
  const forgetOldEvents = (now: Date) => {
    if (now.getTime() - lastPurge < EVENT_PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    try {
      inbound.purge(new Date(now.getTime() - EVENT_KEEP_MS).toISOString());
    } catch (error) {
      // Clutter only (a lock another process holds): never worth the coach's text; the next event purges.
      lastPurge = 0;
      log.warn('slack event claims not purged; tried again later', { code: (error as { code?: unknown }).code });
    }
  };
  // The reply went out (after the 200): a claim left unfinished by a lock only lets a retry older than
  // EVENT_CLAIM_STALE_MS take it over, and Slack does not retry an acknowledged event.
  // Through the group commit, so a lock another connection holds (the WAL checkpoint) is waited out asynchronously
  // rather than refused after the 5 ms busy timeout.
  const finishEvent = (eventId: string) =>
    deps.commits
      .run(() => inbound.finish('slack', eventId, clock.now().toISOString()))
      .catch((error: unknown) => {
        const e = error as { sqliteCode?: unknown; code?: unknown };
        log.warn('slack event not marked finished', { eventId, code: e.sqliteCode ?? e.code });
      });

  // ---- plain messages in the DM: a reflection, or a typed command ----
  events.set('message', async ({ event, body, client, context }) => {
    const dm = directMessage.safeParse(event);
    if (!dm.success) {
      // Edits, joins, bot messages, channel messages: not a coach writing to Trellis.
      log.debug('slack message event ignored', { issue: dm.error.issues[0]?.path.join('.') });
      releaseAck(context);
      return;
    }
    const envelope = eventEnvelope.parse(body);
    const ownUsers = new Set([
      context.botUserId,
      ...(envelope.authorizations ?? []).filter((a) => a.is_bot).map((a) => a.user_id),
    ]);
    if (ownUsers.has(dm.data.user)) {
      // Trellis's own upload (a chart, an export file) coming back as a file_share: not a coach writing.
      releaseAck(context);
      return;
    }
    const now = clock.now();
    const ref = coachRef(context, { team: envelope.team_id, user: dm.data.user });
    const requestKey = `slack:event:${envelope.event_id}`;
    // The receiver holds the HTTP 200 until the text is stored (releaseAck below): a crash before that leaves the
    // event unacknowledged, and Slack's retry brings it back. users.info waits PROFILE_BUDGET_MS at most.
    const { hint, fillLater } = await profileBeforeAck(deps, client, ref);
    let handled: { claimed: false } | { claimed: true; reply: Reply; knownBefore: boolean };
    try {
      // The event's claim and the text it brought are ONE write in the group commit: a claim is never stored without
      // the text, so a retry found already claimed is answered 200 only once that text is in the database. (The
      // claim used to be stored first, on its own, failing fast on a lock; a text then refused or still waiting
      // left a claim behind that made Slack's retry "already handled" while nothing was stored.)
      handled = await deps.commits.run(() => {
        const staleBefore = new Date(now.getTime() - EVENT_CLAIM_STALE_MS).toISOString();
        if (!inbound.claim('slack', envelope.event_id, now.toISOString(), staleBefore)) return { claimed: false };
        const refusalsBefore = storageRefusals();
        const knownBefore = trellis.knows(ref);
        const reply = withFileNote(
          dm.data.subtype === 'file_share',
          dm.data.subtype === 'file_share' && dm.data.text.trim() === ''
            ? { type: 'messages', messages: [] }
            : trellis.handleText(ref, dm.data.text, {
                ...hint,
                requestKey,
                channel: { id: dm.data.channel, kind: 'direct' },
              }),
        );
        // The core answers a refused write (a full disk) with "nothing was stored" rather than a throw; the claim
        // must not stand without the text, or Slack's retry would be "already handled" and the text never stored.
        // Thrown, so this work's savepoint rolls the claim back too and the refusal is handled below.
        const refused = refusalSince(refusalsBefore);
        if (refused) throw refused;
        return { claimed: true, knownBefore, reply };
      });
    } catch (error) {
      if (logRefusedWrite(log, error, { path: 'message', ref, requestKey })) {
        // Nothing stored, not even the claim (a locked, read-only or full database): a 500, so Slack brings the
        // event back and its retry is handled as new. Where no retry will come, the coach is told to send it again.
        releaseAck(context, false);
        const retried = slackRetriesLater(context);
        // Where no retry will come, the coach is told to send it again; a full or read-only disk (not a lock, which
        // clears in moments) is said once, on the first delivery, with no need to resend: Slack retries for minutes.
        const text = !retried
          ? isTrellisError(error)
            ? error.message
            : FAILED
          : !context.retryNum && !isDatabaseLocked(error)
            ? NOT_STORED_YET
            : undefined;
        if (text) {
          // A notice, not a DM to a registered coach: registering a new one is itself a write the lock refuses.
          const to = { tenant: ref.tenant, user: ref.user, conversation: dm.data.channel };
          await messenger.sendNotice(to, message(text)).catch(() => undefined);
        }
        return;
      }
      // A bug (the claim rolled back with it): said once to the coach; a retry would only fail the same way.
      releaseAck(context);
      await sendDirect(ref, message(FAILED), `failed:${envelope.event_id}`).catch(() => undefined);
      throw error;
    }
    if (!handled.claimed) {
      log.info('slack event already handled', { eventId: envelope.event_id, retryNum: context.retryNum });
      releaseAck(context);
      return;
    }
    const { reply, knownBefore } = handled;
    forgetOldEvents(now);
    releaseAck(context);
    const messages =
      reply.type === 'messages'
        ? // A comparison's chart is drawn now, after the ack, and goes as a file after its text (messenger.ts).
          await trellis.compare.drawCharts(reply.messages)
        : reply.type === 'session_form'
          ? [openSessionButton(reply.prefill)]
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
      await finishEvent(envelope.event_id);
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
            await sendDirect(ref, message(filesFailed(m.files ?? [])), `export-failed:${envelope.event_id}:${i}`, hint);
          },
        );
      }
    }
    await kit.welcomeAfter(ref, hint, envelope.event_id);
    await finishEvent(envelope.event_id);
    await fillLater();
  });

  // ---- App Home ----
  events.set('app_home_opened', async ({ event, client, context }) => {
    // Nothing to store first: the 200 goes now.
    releaseAck(context);
    const opened = homeOpened.safeParse(event);
    if (!opened.success || opened.data.tab !== 'home') return;
    const ref = coachRef(context, { user: opened.data.user });
    // Opening the tab asks Trellis to store nothing: someone it holds nothing about (never wrote, or deleted
    // everything) is shown how to start and is not registered. A coach's view may store a changed profile, so it is
    // built through the group commit (a lock held a moment is waited out).
    let view = homeView(message(NOTHING_HELD), message([]));
    if (trellis.knows(ref)) {
      const hint = await profileOf(client, ref);
      view = await deps.commits.run(() =>
        homeView(
          trellis.history(ref, hint),
          trellis.trend(ref, hint),
          trellis.journal.show(trellis.coach(ref, hint), '', {}),
        ),
      );
    }
    await withRateLimitRetry(() => client.views.publish({ user_id: opened.data.user, view }), {
      budgetMs: DM_RATE_BUDGET_MS,
      sleep: deps.sleep,
    });
  });
}

/** A message with a file attached: its words are kept as any message's; the coach is told the file is not. */
function withFileNote(withFile: boolean, reply: Reply): Reply {
  if (!withFile || reply.type !== 'messages') return reply;
  return { type: 'messages', messages: [...reply.messages, message(FILE_NOT_KEPT)] };
}
