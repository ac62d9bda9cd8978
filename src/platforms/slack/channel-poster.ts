import { WebClient } from '@slack/web-api';
import type { Group } from '../../core/groups';
import type { Message } from '../../core/message';
import { attachChart } from './files';
import { DELIVERY_EVENT, toDeliveryError } from './messenger';
import { renderBlocks, renderFallbackText } from './render';

/**
 * Posts weekly digests to peer-supervision channels: the message (tagged with its delivery key, like DMs), then
 * its chart as a file. The chart goes after the text, so where images are off the digest still reads whole.
 */
export class SlackChannelPoster {
  readonly platform = 'slack' as const;
  private readonly client: WebClient;

  constructor(token: string, options: { apiUrl?: string; timeoutMs?: number } = {}) {
    this.client = new WebClient(token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  async sendToChannel(
    group: Group,
    message: Message,
    deliveryKey: string,
  ): Promise<{ messageId?: string; imageDelivered?: boolean }> {
    let ts: string | undefined;
    try {
      const result = await this.client.chat.postMessage({
        channel: group.channelId,
        text: renderFallbackText(message),
        blocks: renderBlocks(message),
        metadata: { event_type: DELIVERY_EVENT, event_payload: { key: deliveryKey } },
      });
      ts = result.ts;
    } catch (error) {
      throw toDeliveryError(error);
    }
    return { messageId: ts, imageDelivered: await attachChart(this.client, group.channelId, message.image) };
  }
}
