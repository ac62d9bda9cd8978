import type { ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import { DeliveryError } from '../../core/errors';
import type { Message } from '../../core/message';
import type { Coach } from '../../core/model';
import type { ChannelAddress, Logger, Messenger, NoticeTarget, PostedItem, PostedItemRecorder } from '../../core/ports';
import type { TeamsAdapter } from './adapter';
import { recordSends } from './recording';
import type { TeamsReferences } from './references';
import { renderActivity } from './render';

/** The token audience for the Bot Connector in the public cloud (botbuilder's default for outbound calls). */
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com';

/** Bot Connector answers after which sending to the same conversation again is pointless. */
const UNREACHABLE_STATUS = new Set([401, 403, 404]);

/**
 * Proactive sends to Teams: the stored conversation reference, continued through the adapter. A coach without a
 * reference (never installed or wrote) is unreachable, not an error to retry.
 */
export class TeamsMessenger implements Messenger {
  readonly platform = 'teams' as const;

  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly appId: string,
    private readonly references: TeamsReferences,
    private readonly log: Logger,
    /** Keeps the ids of what Trellis posts, so a delete can remove it. */
    private readonly recorder?: PostedItemRecorder,
  ) {}

  async sendDirect(coach: Coach, m: Message, deliveryKey: string): Promise<{ messageId?: string }> {
    const reference = this.references.personal(coach.tenant, coach.user);
    if (!reference) {
      throw new DeliveryError('unreachable', 'no Teams conversation with this coach yet: they have to install Trellis');
    }
    return this.send(reference, m, { coach: coach.id, deliveryKey }, { tenant: coach.tenant, user: coach.user });
  }

  /**
   * Posts a new thread in a peer-supervision channel registered with "digest here". Like
   * TeamsInfo.sendMessageToTeamsChannel, it creates a conversation in the channel carrying the message.
   */
  async sendToChannel(
    { tenant, channelId }: ChannelAddress,
    m: Message,
    deliveryKey: string,
  ): Promise<{ messageId?: string }> {
    const reference = this.references.channel(tenant, channelId);
    if (!reference?.serviceUrl) {
      throw new DeliveryError('unreachable', 'no Teams reference for this channel: run "digest here" in it');
    }
    const parameters = {
      isGroup: true,
      bot: reference.bot,
      tenantId: tenant,
      channelData: { channel: { id: channelId }, tenant: { id: tenant } },
      activity: renderActivity(m),
    } as ConversationParameters;
    let messageId: string | undefined;
    try {
      await this.adapter.createConversationAsync(
        this.appId,
        reference.channelId ?? 'msteams',
        reference.serviceUrl,
        BOT_FRAMEWORK_SCOPE,
        parameters,
        async (context) => {
          // The new thread's first message is posted by the create call itself, not by a send of this turn. Its id
          // ends the thread's conversation id; botbuilder's context.activity.id is the conversation id, no activity.
          const conversation = context.activity.conversation?.id;
          messageId = (conversation && /;messageid=([^;]+)$/.exec(conversation)?.[1]) || context.activity.id;
          if (messageId && conversation) {
            const item = { tenant, kind: 'channel', conversation, channel: channelId, itemId: messageId } as const;
            this.recorder?.record({ platform: 'teams', ...item, serviceUrl: reference.serviceUrl });
          }
        },
      );
    } catch (error) {
      throw toDeliveryError(error);
    }
    this.log.info('teams: posted to channel', { channel: channelId, deliveryKey, messageId });
    return { messageId };
  }

  private async send(
    reference: Partial<ConversationReference>,
    m: Message,
    fields: Record<string, unknown>,
    owner?: { tenant: string; user: string },
  ): Promise<{ messageId?: string }> {
    let messageId: string | undefined;
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        if (owner) recordSends(context, this.recorder, owner);
        // Caught here, not left to the adapter: its onTurnError would answer "something went wrong" into the
        // conversation and swallow the error, and the caller must know the send failed.
        try {
          const response = await context.sendActivity(renderActivity(m));
          messageId = response?.id;
        } catch (error) {
          failure = error;
        }
      });
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) throw toDeliveryError(failure);
    this.log.info('teams: sent', { ...fields, messageId });
    return { messageId };
  }

  /**
   * Runs `work` in a turn on a conversation rebuilt from a removal record (conversation id and service URL): the
   * coach's stored reference is gone once they deleted their data. Failures are thrown, not left to onTurnError.
   */
  private async inConversation(
    conversation: string,
    serviceUrl: string | undefined,
    work: (context: TurnContext) => Promise<unknown>,
  ): Promise<void> {
    if (!serviceUrl) throw new DeliveryError('unreachable', 'no service URL recorded for this Teams conversation');
    const reference: Partial<ConversationReference> = {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: conversation } as ConversationReference['conversation'],
    };
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        try {
          await work(context);
        } catch (error) {
          failure = error;
        }
      });
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) throw failure;
  }

  /** Deletes an activity Trellis sent (DELETE /v3/conversations/{id}/activities/{id}); a 404 is already gone. */
  async removeItem(item: PostedItem): Promise<'removed' | 'gone'> {
    try {
      await this.inConversation(item.conversation, item.serviceUrl, (context) => context.deleteActivity(item.itemId));
      return 'removed';
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
      throw toDeliveryError(error);
    }
  }

  /** A plain message into the coach's chat that is not recorded: the count after a removal. */
  async sendNotice(to: NoticeTarget, m: Message): Promise<void> {
    const stored = this.references.personal(to.tenant, to.user);
    const conversation = to.conversation ?? stored?.conversation?.id;
    if (!conversation) throw new DeliveryError('unreachable', 'no Teams conversation recorded for this coach');
    try {
      await this.inConversation(conversation, to.serviceUrl ?? stored?.serviceUrl, (context) =>
        context.sendActivity(renderActivity(m)),
      );
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  const e = error as {
    statusCode?: number;
    message?: string;
    response?: { headers?: { get(name: string): string | undefined } };
  };
  const status = e.statusCode;
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.get('retry-after'));
    return new DeliveryError(
      'rate_limited',
      'Teams asked us to slow down',
      Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000,
    );
  }
  if (status !== undefined && UNREACHABLE_STATUS.has(status)) {
    return new DeliveryError('unreachable', `Teams refused the conversation (${status})`);
  }
  return new DeliveryError('transient', `Teams send failed: ${status ?? e.message ?? 'unknown error'}`);
}
