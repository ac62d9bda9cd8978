import type { AppContext } from '../../src/app';
import type { Messenger } from '../../src/core/ports';
import { createScheduler } from '../../src/schedule';
import { channelMention, personalMessage, startTeams, TENANT, type TeamsHarness } from '../platforms/teams/harness';
import { FixedClock } from './clock';
import { activityText, FakeBotConnector } from './fake-bot-connector';
import { SlackHarness } from './slack-harness';
import { tempDbFile } from './temp-db';

/**
 * One platform seen the way a channel's members see it: what a coach types in a channel or their DM (through the
 * real adapter: signed Slack requests, real Teams activities) and what the scheduler posts to each channel.
 * The digest attack tests run the same story through both.
 */
export interface ChannelPlatform {
  name: 'slack' | 'teams';
  app: AppContext;
  clock: FixedClock;
  /** A channel id on this platform for the n-th test channel. */
  channel(n: number): string;
  /** `text` typed by `user` in `channel`; returns what the user was shown. */
  say(user: string, channel: string, text: string): Promise<string>;
  /** `/selfcheck <args>` typed by `user` in their DM with the bot (a check-in, for one). */
  selfcheck(user: string, args: string): Promise<string>;
  /** Runs the scheduler at `at`; returns what it posted to each channel (text only, without the channel id). */
  runDue(at: string): Promise<Map<string, string>>;
  coachId(user: string): number | undefined;
  /**
   * Drains the server's removal queue (a delete or stop kicks it at once, so it may be running already); returns the
   * platform's removal calls since the last time (`method conversation id`).
   */
  removeQueued(): Promise<string[]>;
  /** The database file, for the admin CLI. */
  dbFile: string;
  /** Slack only: the next `times` posts to `channel` fail as a Slack outage would (HTTP 500). */
  failChannelPosts?(channel: string, times: number): void;
  stop(): Promise<void>;
}

/** The scheduler of `npm start`, one tick at `at` (the clock moves there: senders read it). */
async function runScheduler(app: AppContext, clock: FixedClock, messengers: Messenger[], at: string): Promise<void> {
  clock.set(at);
  // A retry is left for a later tick: the clock stands still, so waiting for it inside this run would never end.
  const scheduler = createScheduler(app, messengers, { sender: { maxWaitMs: 0 } });
  await scheduler.runDue(new Date(at));
  await scheduler.stop();
}

export async function slackPlatform(start: string): Promise<ChannelPlatform> {
  const h = await new SlackHarness({ start }).start();
  const slackRemovalsSeen = new Set<string>();
  // What the coach sees: the ack's own body (a fast answer) or what came later via response_url, as Block Kit.
  const shown = (body: unknown) => {
    const b = (body ?? {}) as { text?: string; blocks?: unknown };
    return b.blocks ? JSON.stringify(b.blocks).replace(/\\n/g, '\n') : (b.text ?? '');
  };
  const answer = async (sent: { triggerId: string; response: { json?: unknown } }) => {
    await h.idle();
    return [shown(sent.response.json), ...h.responses(sent.triggerId).map((r) => shown(r.body))]
      .filter(Boolean)
      .join('\n');
  };
  return {
    name: 'slack',
    app: h.ctx,
    clock: h.clock,
    channel: (n) => `C0PEERS${n}`,
    say: async (user, channel, text) => answer(await h.command(user, text, { channel })),
    selfcheck: async (user, args) => answer(await h.command(user, args)),
    async runDue(at) {
      const before = h.calls('chat.postMessage').length;
      await runScheduler(h.ctx, h.clock, h.slack.messenger ? [h.slack.messenger] : [], at);
      const posted = new Map<string, string>();
      for (const call of h.calls('chat.postMessage').slice(before)) {
        const channel = String(call.body.channel);
        if (channel.startsWith('D')) continue;
        posted.set(channel, JSON.stringify(call.body.blocks).replace(/\\n/g, '\n'));
      }
      return posted;
    },
    async removeQueued() {
      await h.removals();
      const calls = [
        ...h.calls('chat.delete').map((c) => `chat.delete ${c.body.channel} ${c.body.ts}`),
        ...h.calls('files.delete').map((c) => `files.delete ${c.body.file}`),
      ];
      const fresh = calls.filter((c) => !slackRemovalsSeen.has(c));
      for (const c of fresh) slackRemovalsSeen.add(c);
      return fresh;
    },
    dbFile: h.ctx.config.dbFile,
    coachId: (user) => h.ctx.repos.coaches.find({ platform: 'slack', tenant: 'T0TEAM', user })?.id,
    failChannelPosts(channel, times) {
      let left = times;
      h.fake.respond((call) => {
        if (call.method !== 'chat.postMessage' || call.body.channel !== channel || left <= 0) return undefined;
        left--;
        return { status: 500 };
      });
    },
    stop: () => h.stop(),
  };
}

export async function teamsPlatform(start: string): Promise<ChannelPlatform> {
  const connector = await new FakeBotConnector().start();
  const db = tempDbFile();
  const clock = new FixedClock(start);
  const teams: TeamsHarness = await startTeams({ dbFile: db.file, clock });
  let teamsRemovalsSeen = 0;
  const reply = async (activity: Record<string, unknown>) => {
    const before = connector.calls.length;
    await teams.post(activity);
    return connector.calls
      .slice(before)
      .map((c) => activityText(c.body))
      .join('\n');
  };
  return {
    name: 'teams',
    app: teams.app,
    clock,
    channel: (n) => `19:peers-${n}@thread.tacv2`,
    say: (user, channel, text) => reply(channelMention(connector.url, user, channel, text)),
    selfcheck: (user, args) => reply(personalMessage(connector.url, user, `selfcheck ${args}`)),
    async runDue(at) {
      const before = connector.calls.length;
      await runScheduler(teams.app, clock, [teams.teams.messenger], at);
      const posted = new Map<string, string>();
      for (const call of connector.calls.slice(before)) {
        if (call.kind !== 'create') continue;
        const channel = (call.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
        if (channel) posted.set(channel, activityText(call.body.activity as Record<string, unknown>));
      }
      return posted;
    },
    async removeQueued() {
      await teams.removals();
      const deletes = connector.calls.filter((c) => c.kind === 'delete');
      // Only deletes of an activity that was there: a wrong id gets a 404, which the remover counts as gone.
      const fresh = deletes
        .slice(teamsRemovalsSeen)
        .map((c) => `${c.conversationId} ${c.activityId}`)
        .filter((key) => connector.removed.includes(key))
        .map((key) => `delete ${key}`);
      teamsRemovalsSeen = deletes.length;
      return fresh;
    },
    dbFile: db.file,
    coachId: (user) => teams.app.repos.coaches.find({ platform: 'teams', tenant: TENANT, user: `aad-${user}` })?.id,
    async stop() {
      await teams.stop();
      await connector.stop();
      db.cleanup();
    },
  };
}

export const PLATFORMS = [
  ['Slack', slackPlatform],
  ['Teams', teamsPlatform],
] as const;
