import { z } from 'zod';
import type { AppContext } from '../app';
import { describeSchedule } from '../core/group-commands';
import type { Group } from '../core/groups';
import { groupLastActivity } from '../store/admin-lists';
import { type CliIo, defineCommand, noPositionals } from './command';

const PLATFORMS = ['slack', 'teams', 'console'] as const;

/** `--channel ID [--platform P]`: the options that name one peer-supervision channel. */
export const channelArgs = {
  options: { channel: { type: 'string' }, platform: { type: 'string' } },
  schema: {
    channel: z.string({ error: 'name the channel: --channel <channel id>' }).min(1).max(128),
    platform: z.enum(PLATFORMS, { error: 'one of slack, teams, console' }).optional(),
  },
} as const;

/** The one group registered for a channel id (on `platform`, when given), or a problem to print. */
export function findGroup(app: AppContext, channel: string, platform?: string): { group: Group } | { problem: string } {
  const groups = app.repos.groups
    .all()
    .filter((g) => g.channelId === channel && (platform === undefined || g.platform === platform));
  if (groups.length === 1) return { group: groups[0] };
  if (groups.length === 0) {
    return {
      problem: `channel ${channel} is not a peer-supervision channel${platform ? ` on ${platform}` : ''} (register it with /selfcheck digest here)`,
    };
  }
  return {
    problem: `channel id ${channel} is registered ${groups.length} times (${groups.map((g) => `${g.platform}:${g.tenant}`).join(', ')}): add --platform`,
  };
}

function found(app: AppContext, io: CliIo, channel: string, platform?: string): Group | undefined {
  const result = findGroup(app, channel, platform);
  if ('problem' in result) {
    io.err(result.problem);
    return undefined;
  }
  return result.group;
}

export const groupsCommand = defineCommand({
  name: 'groups',
  usage: 'groups [--json]',
  summary:
    'peer-supervision channels: number, platform, tenant, channel id, name, members, schedule, time zone, registered by, last activity',
  options: { json: { type: 'boolean' } },
  schema: z.object({ json: z.boolean().optional(), positionals: noPositionals }),
  run(args, app, io) {
    const activity = groupLastActivity(app.db);
    const rows = app.repos.groups.all().map((g) => ({
      id: g.id,
      platform: g.platform,
      tenant: g.tenant,
      channelId: g.channelId,
      name: g.name,
      members: app.repos.groups.memberCount(g.id),
      schedule: describeSchedule(g),
      timeZone: g.timeZone,
      registeredBy: g.createdBy,
      lastActivity: activity.get(g.id) ?? g.createdAt,
    }));
    if (args.json) {
      io.out(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) io.out('no peer-supervision channels');
    for (const r of rows) {
      io.out(
        `${r.id}  ${r.platform}:${r.tenant}  ${r.channelId}  ${r.name ?? '(no name)'}  ${r.members} members  digest ${r.schedule}  registered by ${r.registeredBy === null ? 'a coach since deleted' : `coach ${r.registeredBy}`}  last activity ${r.lastActivity}`,
      );
    }
    return 0;
  },
});

export const groupStopCommand = defineCommand({
  name: 'group-stop',
  usage: 'group-stop --channel <id> [--platform slack|teams|console] [--remove-posts]',
  summary:
    "unregister a peer-supervision channel: its memberships, shares and published digests are removed; --remove-posts also removes Trellis's posts there (works on a channel already stopped)",
  options: { ...channelArgs.options, 'remove-posts': { type: 'boolean' } },
  schema: z.object({ ...channelArgs.schema, 'remove-posts': z.boolean().optional(), positionals: noPositionals }),
  run(args, app, io) {
    const result = findGroup(app, args.channel, args.platform);
    const group = 'group' in result ? result.group : undefined;
    if (!group && !args['remove-posts']) {
      io.err((result as { problem: string }).problem);
      return 1;
    }
    if (group) {
      app.repos.groups.remove(group.id);
      // The audit log records actions on one coach's data; this one is about a channel, so it goes to the log.
      app.log.info('group unregistered', { group: group.id, by: 'admin' });
      io.out(`channel ${group.channelId} (${group.platform}:${group.tenant}) is no longer a peer-supervision channel`);
    }
    if (!args['remove-posts']) {
      io.out(`Trellis's earlier posts there stay; add --remove-posts to remove them`);
      return 0;
    }
    // A stopped channel has no group row left: its posts are found by channel id (and platform, when given).
    const queued = app.removals.store.queueChannel(
      group
        ? { platform: group.platform, tenant: group.tenant, conversation: group.channelId }
        : { conversation: args.channel, ...(args.platform ? { platform: args.platform } : {}) },
      app.clock.now().toISOString(),
    );
    app.log.info('channel posts queued for removal', { queued, by: 'admin' });
    io.out(
      queued > 0
        ? `queued ${queued} of Trellis's posts in channel ${args.channel} for removal; the running server removes them (npm run cli -- removals shows what is left)`
        : `no posts of Trellis's recorded in channel ${args.channel}`,
    );
    return 0;
  },
});

export const groupOwnerCommand = defineCommand({
  name: 'group-owner',
  usage: 'group-owner --channel <id> [--platform P] --coach <number>',
  summary: 'hand a peer-supervision channel to another coach, who may then change its schedule or stop it',
  options: { ...channelArgs.options, coach: { type: 'string' } },
  schema: z.object({
    ...channelArgs.schema,
    coach: z
      .string({ error: "name the coach by number: --coach <number> (npm run cli -- groups shows the current one's)" })
      .regex(/^\d{1,12}$/, 'a coach number such as 12')
      .transform(Number),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const group = found(app, io, args.channel, args.platform);
    if (!group) return 1;
    const coach = app.repos.coaches.byId(args.coach);
    if (!coach || coach.platform !== group.platform || coach.tenant !== group.tenant) {
      io.err(`no coach ${args.coach} in ${group.platform}:${group.tenant}, where the channel is`);
      return 1;
    }
    app.repos.groups.setOwner(group.id, coach.id);
    app.log.info('group handed on', { group: group.id, to: coach.id, by: 'admin' });
    io.out(`channel ${group.channelId} now belongs to coach ${coach.id}`);
    return 0;
  },
});
