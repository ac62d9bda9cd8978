import { ErrorCode, type WebAPICallError, WebClient, type WebClientOptions } from '@slack/web-api';
import { DeliveryError } from '../../core/errors';
import type { Message } from '../../core/message';
import type { Coach } from '../../core/model';
import type {
  ChannelAddress,
  DeliveryTarget,
  Messenger,
  NoticeTarget,
  PostedItem,
  PostedItemRecorder,
} from '../../core/ports';
import { RecentMap } from '../../recent-map';
import { NOT_INSTALLED } from '../../store/slack-installations';
import { callSlack } from './direct-call';
import { attachChart, keyedFilename, uploadImage } from './files';
import { carriesKey, historyFind, historyHas, sharesFile, slackTs } from './history';
import { renderBlocks, renderFallbackText } from './render';
import { timedFetch } from './timed-fetch';
import { type SlackTokenSource, singleToken } from './tokens';

/** Event type under which Trellis tags its own DMs, so a delivery can be found again after a crash. */
export const DELIVERY_EVENT = 'trellis_delivery';

/** Slack errors about the recipient, after which retrying the same coach (or channel) is pointless. */
const UNREACHABLE = new Set([
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'user_is_restricted',
]);

/**
 * Slack errors about the bot itself (its token or its installation): permanent for this send, but no reason to
 * stop writing to the coach once the workspace admin has fixed the app.
 */
const REFUSED = new Set([
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'team_access_not_granted',
  'no_permission',
  'not_allowed_token_type',
  'ekm_access_denied',
]);

/**
 * How long one Web API call may take before it is abandoned. Slack can take tens of seconds to answer a post while
 * it is degraded, and still complete it: abandoning it early makes its outcome unknown for nothing (see the README,
 * "Exactly once, per kind of send"). The scheduler's lease (jobs.ts) is longer than a whole attempt.
 */
export const SLACK_CALL_TIMEOUT_MS = 60_000;

/** DM channel ids kept in memory (the most recently used): more than the sends in flight at once, by far. */
export const DM_CHANNELS_KEPT = 2_000;

/** Answers to chat.delete and files.delete that mean there is nothing left to remove. */
const ALREADY_GONE = new Set(['message_not_found', 'file_not_found', 'file_deleted']);

/** What a Slack error code means for a send: the recipient is gone, the bot was refused, or try again later. */
export const slackErrorKind = (code: string): 'unreachable' | 'refused' | 'transient' =>
  UNREACHABLE.has(code) ? 'unreachable' : REFUSED.has(code) ? 'refused' : 'transient';

/** Turns a Web API failure into what delivery needs to know: wait, retry, or stop. */
export function toDeliveryError(error: unknown): DeliveryError {
  const e = error as WebAPICallError & { retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e.code === ErrorCode.RateLimitedError)
    return new DeliveryError('rate_limited', 'Slack rate limit', (e.retryAfter ?? 1) * 1000);
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown';
    if (code === 'ratelimited') return new DeliveryError('rate_limited', 'Slack rate limit', 1000);
    return new DeliveryError(slackErrorKind(code), `Slack error: ${code}`);
  }
  return new DeliveryError('transient', `Slack request failed: ${e.code ?? (e as Error).message}`);
}

/**
 * Sends to coaches' Slack DMs through the Web API. Retries are the outbox's job, not the client's:
 * the client neither retries nor waits out rate limits on its own.
 */
export class SlackMessenger implements Messenger {
  readonly platform = 'slack' as const;
  private readonly tokens: SlackTokenSource;
  private readonly clientOptions: WebClientOptions;
  /** One Web API client per tenant, for the token it was made with (a rotated token gets a new one). */
  private readonly clients = new Map<string, { token: string; client: WebClient }>();
  /**
   * DM channel ids by tenant and user (user ids are unique only within a workspace), the most recently used last.
   * Bounded: a fan-out to 100,000 coaches would otherwise keep 100,000 ids (some 10 MB) for a day, while the only
   * reuse is within one delivery (its text, lookup and chart); an id let go costs one conversations.open.
   */
  private readonly dmChannels: RecentMap<string, string>;
  private readonly recorder?: PostedItemRecorder;
  /** The Web API's base URL and the fetch the hot calls (conversations.open, chat.postMessage) go through. */
  private readonly apiUrl?: string;
  private readonly fetchFn: typeof fetch;

  /**
   * `tokens` is the one bot token, or the source of each installing workspace's token ("Add to Slack").
   * `recorder` keeps the ids of every message and file posted, so a delete can remove them (ids only).
   */
  constructor(
    tokens: string | SlackTokenSource,
    options: { apiUrl?: string; timeoutMs?: number; recorder?: PostedItemRecorder; dmChannelsKept?: number } = {},
  ) {
    this.tokens = typeof tokens === 'string' ? singleToken(tokens) : tokens;
    this.dmChannels = new RecentMap(options.dmChannelsKept ?? DM_CHANNELS_KEPT);
    this.recorder = options.recorder;
    this.apiUrl = options.apiUrl;
    this.fetchFn = timedFetch(options.timeoutMs ?? SLACK_CALL_TIMEOUT_MS);
    this.clientOptions = {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      // Not the client's `timeout`: see timed-fetch.ts for why.
      fetch: this.fetchFn,
    };
  }

  /** A tenant's bot token; none: Trellis was uninstalled there (or never installed), skipped for good. */
  private async tokenOf(tenant: string): Promise<string> {
    const token = await this.tokens.tokenFor(tenant);
    if (!token) throw new DeliveryError('unreachable', NOT_INSTALLED);
    return token;
  }

  /** One of the hot calls, without the Web API client (see direct-call.ts). */
  private call(method: string, token: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return callSlack(this.fetchFn, { apiUrl: this.apiUrl, method, token, body }, slackErrorKind);
  }

  /** chat.postMessage; the posted message's ts. */
  private async post(token: string, body: Record<string, unknown>): Promise<string | undefined> {
    const answer = await this.call('chat.postMessage', token, body);
    return typeof answer.ts === 'string' ? answer.ts : undefined;
  }

  /**
   * The client for a tenant's token. No token: Trellis was uninstalled there (or never installed), so the send is
   * skipped for good with that reason, never retried.
   */
  private async clientFor(tenant: string, known?: string): Promise<WebClient> {
    const token = known ?? (await this.tokenOf(tenant));
    const cached = this.clients.get(tenant);
    if (cached?.token === token) return cached.client;
    const client = new WebClient(token, this.clientOptions);
    this.clients.set(tenant, { token, client });
    return client;
  }

  private async dmChannel(token: string, coach: Pick<Coach, 'tenant' | 'user'>): Promise<string> {
    const key = `${coach.tenant}\u0000${coach.user}`;
    const cached = this.dmChannels.get(key);
    if (cached) return cached;
    const opened = await this.call('conversations.open', token, { users: coach.user });
    const id = (opened.channel as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !id) throw new DeliveryError('transient', 'Slack did not return a DM channel');
    this.dmChannels.set(key, id);
    return id;
  }

  /** Keeps the ids of something Trellis posted (never its content), for removal later. */
  recordPosted(item: Omit<PostedItem, 'platform'>): void {
    this.recorder?.record({ platform: 'slack', ...item });
  }

  /** Drops the record of one message, so a removal leaves it (the delete question its answer replaced). */
  forgetPosted(conversation: string, ts: string): void {
    this.recorder?.forget('slack', conversation, ts);
  }

  /** Records each file an upload shared (files.ts calls it with the ids files.uploadV2 returned). */
  recordFiles(tenant: string, user: string | undefined, conversation: string) {
    return (fileIds: string[]) => {
      for (const itemId of fileIds) this.recordPosted({ tenant, user, kind: 'file', conversation, itemId });
    };
  }

  /** The record of a posted text: written now, or handed back for the caller to write with its own mark. */
  private posted(item: Omit<PostedItem, 'platform'>, handBack: boolean | undefined): PostedItem | undefined {
    const posted: PostedItem = { platform: 'slack', ...item };
    if (handBack) return posted;
    this.recorder?.record(posted);
    return undefined;
  }

  async sendDirect(
    coach: Coach,
    message: Message,
    deliveryKey: string,
    options: { handBack?: boolean } = {},
  ): Promise<{ messageId?: string; imageDelivered?: boolean; posted?: PostedItem }> {
    let channel: string;
    let ts: string | undefined;
    let token: string;
    try {
      token = await this.tokenOf(coach.tenant);
      channel = await this.dmChannel(token, coach);
      ts = await this.post(token, {
        channel,
        text: renderFallbackText(message),
        blocks: renderBlocks(message),
        metadata: { event_type: DELIVERY_EVENT, event_payload: { key: deliveryKey } },
      });
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
    const item = { tenant: coach.tenant, user: coach.user, kind: 'message', conversation: channel } as const;
    const posted = ts ? this.posted({ ...item, itemId: ts }, options.handBack) : undefined;
    if (!message.image) return { messageId: ts, posted };
    // A weekly summary's chart follows as a file in the same DM; its failure is reported, not thrown (see files.ts).
    const onUploaded = this.recordFiles(coach.tenant, coach.user, channel);
    const client = await this.clientFor(coach.tenant, token);
    return { messageId: ts, posted, imageDelivered: await attachChart(client, channel, message.image, onUploaded) };
  }

  /**
   * Posts a weekly digest to a peer-supervision channel: the message (tagged with its delivery key, like DMs), then
   * its chart as a file, so where images are off the digest still reads whole. The bot must be in the channel.
   */
  async sendToChannel(
    channel: ChannelAddress,
    message: Message,
    deliveryKey: string,
    options: { handBack?: boolean } = {},
  ): Promise<{ messageId?: string; imageDelivered?: boolean; posted?: PostedItem }> {
    let ts: string | undefined;
    let token: string;
    try {
      token = await this.tokenOf(channel.tenant);
      ts = await this.post(token, {
        channel: channel.channelId,
        text: renderFallbackText(message),
        blocks: renderBlocks(message),
        metadata: { event_type: DELIVERY_EVENT, event_payload: { key: deliveryKey } },
      });
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
    const { tenant, channelId } = channel;
    const posted = ts
      ? this.posted({ tenant, kind: 'channel', conversation: channelId, itemId: ts }, options.handBack)
      : undefined;
    if (!message.image) return { messageId: ts, posted };
    const onUploaded = this.recordFiles(tenant, undefined, channelId);
    const client = await this.clientFor(tenant, token);
    return { messageId: ts, posted, imageDelivered: await attachChart(client, channelId, message.image, onUploaded) };
  }

  /**
   * Removes a message (chat.delete) or file (files.delete) Trellis posted. Slack's "already gone" answers count as
   * removed; the bot token can delete only the bot's own messages and files, which is all Trellis records.
   */
  async removeItem(item: PostedItem): Promise<'removed' | 'gone'> {
    try {
      const client = await this.clientFor(item.tenant);
      if (item.kind === 'file') await client.files.delete({ file: item.itemId });
      else await client.chat.delete({ channel: item.conversation, ts: item.itemId });
      return 'removed';
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code && ALREADY_GONE.has(code)) return 'gone';
      if (code?.startsWith('cant_delete')) throw new DeliveryError('unreachable', `Slack error: ${code}`);
      throw toDeliveryError(error);
    }
  }

  /** A plain DM that is not recorded and carries no delivery key: the count after a removal, a deletion's answer. */
  async sendNotice(to: NoticeTarget, message: Message): Promise<void> {
    try {
      const token = await this.tokenOf(to.tenant);
      const channel = to.conversation ?? (await this.dmChannel(token, to));
      await this.post(token, { channel, text: renderFallbackText(message), blocks: renderBlocks(message) });
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }

  /** A DM's channel id, opened (conversations.open) and kept for the send that follows; a channel needs nothing. */
  async openConversation(target: DeliveryTarget): Promise<void> {
    if (target.kind !== 'coach') return;
    try {
      await this.dmChannel(await this.tokenOf(target.coach.tenant), target.coach);
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }

  /** The tenant a target belongs to: its coach's or its channel's. */
  private static tenantOf(target: DeliveryTarget): string {
    return target.kind === 'coach' ? target.coach.tenant : target.channel.tenant;
  }

  /**
   * Looks through the conversation's history since `since` for a message carrying this delivery key in its
   * metadata. A failed lookup throws (see historyHas): unknown is not "not delivered".
   */
  async wasDelivered(target: DeliveryTarget, deliveryKey: string, since: Date): Promise<boolean> {
    const { client, channel } = await this.lookupChannel(target);
    const found = await historyFind(client, channel, slackTs(since), carriesKey(deliveryKey), toDeliveryError);
    // Found: it may have been posted by a sender that died before its record was written (attempt.ts writes it with
    // the `sent` mark), so it is recorded now; a repeat of a record is ignored.
    if (found?.ts) {
      const tenant = SlackMessenger.tenantOf(target);
      if (target.kind === 'coach') {
        this.recordPosted({
          tenant,
          user: target.coach.user,
          kind: 'message',
          conversation: channel,
          itemId: found.ts,
        });
      } else this.recordPosted({ tenant, kind: 'channel', conversation: channel, itemId: found.ts });
    }
    return found !== undefined;
  }

  /** The chart as its own step after the text, under a file name that carries the delivery key. */
  async attachImage(target: DeliveryTarget, image: NonNullable<Message['image']>, deliveryKey: string): Promise<void> {
    const { client, channel } = await this.lookupChannel(target);
    try {
      const fileIds = await uploadImage(client, channel, image, keyedFilename(image.filename, deliveryKey));
      const user = target.kind === 'coach' ? target.coach.user : undefined;
      this.recordFiles(SlackMessenger.tenantOf(target), user, channel)(fileIds);
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /** Whether the chart's file share is in the conversation after its text (the upload completes after it). */
  async wasImageDelivered(
    target: DeliveryTarget,
    image: NonNullable<Message['image']>,
    deliveryKey: string,
    after: { textMessageId?: string; since: Date },
  ): Promise<boolean> {
    const { client, channel } = await this.lookupChannel(target);
    const oldest = after.textMessageId ?? slackTs(after.since);
    const filename = keyedFilename(image.filename, deliveryKey);
    return historyHas(client, channel, oldest, sharesFile(filename), toDeliveryError);
  }

  /** The tenant's client and the conversation a target lives in: the coach's DM (opened once), or the channel. */
  private async lookupChannel(target: DeliveryTarget): Promise<{ client: WebClient; channel: string }> {
    try {
      const token = await this.tokenOf(SlackMessenger.tenantOf(target));
      const client = await this.clientFor(SlackMessenger.tenantOf(target), token);
      const channel = target.kind === 'coach' ? await this.dmChannel(token, target.coach) : target.channel.channelId;
      return { client, channel };
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }
}
