import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { PostedItemRecorder } from '../../core/ports';
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
): void {
  if (!recorder) return;
  context.onSendActivities(async (ctx, activities, next) => {
    const responses = await next();
    const { activity } = ctx;
    const personal = isPersonal(activity);
    const tenant = owner?.tenant ?? tenantOf(activity);
    const user = owner?.user ?? coachRefOf(activity).user;
    activities.forEach((sent, i) => {
      const itemId = responses[i]?.id;
      const conversation = sent.conversation?.id ?? activity.conversation?.id;
      if (sent.type !== ActivityTypes.Message || !itemId || !conversation) return;
      recorder.record({
        platform: 'teams',
        tenant,
        ...(personal ? { user } : {}),
        kind: personal ? 'message' : 'channel',
        conversation,
        itemId,
        serviceUrl: sent.serviceUrl ?? activity.serviceUrl,
      });
    });
    return responses;
  });
}
