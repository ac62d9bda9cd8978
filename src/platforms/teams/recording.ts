import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Logger, PostedItem, PostedItemRecorder, WriteBatcher } from '../../core/ports';
import { coachRefOf, isPersonal, tenantOf } from './references';

/**
 * Records the ids of every message a turn sends (replies, cards, file-consent cards, proactive sends), never their
 * content: botbuilder hands each send of a turn to the handlers registered with `onSendActivities`, with the
 * ResourceResponse ids the Bot Connector answered. A personal chat's messages are the coach's; elsewhere they are
 * channel posts. `owner` names the coach when the turn's activity cannot (a proactive send).
 */
export function recordSends(
  context: TurnContext,
  recorder: PostedItemRecorder | undefined,
  owner?: { tenant: string; user: string },
  batch?: { commits: WriteBatcher; log: Logger },
): void {
  if (!recorder) return;
  context.onSendActivities(async (ctx, activities, next) => {
    const responses = await next();
    const { activity } = ctx;
    const personal = isPersonal(activity);
    const tenant = owner?.tenant ?? tenantOf(activity);
    const user = owner?.user ?? coachRefOf(activity).user;
    const items: PostedItem[] = [];
    activities.forEach((sent, i) => {
      const itemId = responses[i]?.id;
      const conversation = sent.conversation?.id ?? activity.conversation?.id;
      if (sent.type !== ActivityTypes.Message || !itemId || !conversation) return;
      items.push({
        platform: 'teams',
        tenant,
        ...(personal ? { user } : {}),
        kind: personal ? 'message' : 'channel',
        conversation,
        itemId,
        serviceUrl: sent.serviceUrl ?? activity.serviceUrl,
      });
    });
    const recordAll = () => {
      for (const item of items) recorder.record(item);
    };
    if (!batch || items.length === 0) recordAll();
    else {
      // A turn's records join the group commit (one COMMIT for the turns of a burst, and a lock another connection
      // holds is waited out asynchronously) instead of a commit each that blocks the event loop on a busy database.
      // Awaited, so the turn (and its HTTP answer) ends with its records stored; a refusal never fails the send.
      await batch.commits.run(recordAll).catch((error: unknown) => {
        batch.log.warn('teams: sent activity not recorded', { code: (error as { sqliteCode?: unknown }).sqliteCode });
      });
    }
    return responses;
  });
}
