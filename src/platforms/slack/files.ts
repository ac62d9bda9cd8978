import { WebClient } from '@slack/web-api';
import type { Group } from '../../core/groups';
import type { Message } from '../../core/message';
import { DELIVERY_EVENT, toDeliveryError } from './messenger';
import { renderBlocks, renderFallbackText } from './render';

/**
 * Uploads a message's chart into a conversation (a DM or a channel) with files.uploadV2, which asks Slack for an
 * upload URL, sends the bytes there, and completes the upload into the conversation. Needs the `files:write` scope.
 */
export async function uploadImage(client: WebClient, channelId: string, image: NonNullable<Message['image']>) {
  await client.files.uploadV2({
    channel_id: channelId,
    file: Buffer.from(image.png),
    filename: image.filename,
    title: image.filename.replace(/\.png$/, ''),
    alt_text: image.alt.slice(0, 1000),
  });
}

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

  async sendToChannel(group: Group, message: Message, deliveryKey: string): Promise<{ messageId?: string }> {
    try {
      const result = await this.client.chat.postMessage({
        channel: group.channelId,
        text: renderFallbackText(message),
        blocks: renderBlocks(message),
        metadata: { event_type: DELIVERY_EVENT, event_payload: { key: deliveryKey } },
      });
      if (message.image) await uploadImage(this.client, group.channelId, message.image);
      return { messageId: result.ts };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}
