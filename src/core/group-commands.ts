import { digestMessage } from './digest';
import { TrellisError } from './errors';
import type { Group } from './groups';
import { type Message, message } from './message';
import type { Coach, Weekday } from './model';
import type { Clock, Logger, RemovalRequests, Repositories } from './ports';
import { DAY_NAMES, parseDays } from './settings';
import { clientDetailWarnings, parseCompanyList, sharePreview } from './sharing';
import { parseTimeOfDay } from './time';
import type { WeeklyService } from './weekly';

/** What a command about a channel knows of where it was typed. */
export type ChannelContext = { id: string; kind: 'direct' | 'group'; name?: string } | undefined;

/** Monday morning: the digest arrives at the start of the week, about the week just closed. */
export const DEFAULT_DIGEST_DAY: Weekday = 1;
export const DEFAULT_DIGEST_TIME = '09:00';

/** Who may change a channel's schedule or stop it, said to anyone else who tries. */
export function onlyTheRegistrar(group: Group): string {
  return group.createdBy === null
    ? 'The coach who registered this channel has since deleted their data, so only an admin can change its schedule or stop it, with npm run cli -- group-stop.'
    : 'Only the coach who registered this channel can change its schedule or stop it; an admin can with npm run cli -- group-stop.';
}

const FULL_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function describeSchedule(group: Group): string {
  return `every ${FULL_DAYS[group.digestWeekday - 1]} at ${group.digestTime} (${group.timeZone})`;
}

function groupLabel(group: Group): string {
  return group.name ? `#${group.name.replace(/^#/, '')}` : 'this group';
}

export interface GroupCommandDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
  minGroupSize: number;
  weekly: WeeklyService;
  /** Removes Trellis's own posts from a channel whose digest stops, when its coach asks (src/schedule/removal.ts). */
  removals?: RemovalRequests;
  onRemovalsQueued?: () => void;
}

/** The words after `digest stop` that also remove Trellis's posts from the channel. */
const REMOVE_POSTS = /^stop\s+remove[- ]posts$/i;

/** Peer-supervision groups: registering a channel, joining and leaving, sharing a reflection deliberately. */
export class GroupCommands {
  constructor(private readonly deps: GroupCommandDeps) {}

  /** `digest`, `digest here [day] [time]` and `digest stop`, typed in a channel. */
  digestCommand(coach: Coach, args: string, channel: ChannelContext): Message {
    const words = args.trim();
    if (words === '') return this.lastDigest(coach, channel);
    if (/^stop$/i.test(words)) return this.stop(coach, channel, false);
    if (REMOVE_POSTS.test(words)) return this.stop(coach, channel, true);
    const here = /^here\b\s*(.*)$/i.exec(words);
    if (!here) throw new TrellisError('unknown_command', 'Use /selfcheck digest here [day] [time] in the channel.');
    return this.digestHere(coach, here[1], channel);
  }

  /**
   * `digest here [day] [time]`: makes the channel the command came from a peer-supervision channel. On a channel
   * that already is one, only the coach who registered it may change the schedule; bare, it tells the schedule.
   */
  digestHere(coach: Coach, args: string, channel: ChannelContext): Message {
    if (channel?.kind !== 'group') {
      throw new TrellisError(
        'no_group',
        'Type "/selfcheck digest here" in the channel that should get the weekly digest, not in a direct message.',
      );
    }
    const existing = this.deps.repos.groups.find(coach.platform, coach.tenant, channel.id);
    if (existing && args.trim() === '') {
      return message(`This channel is a peer-supervision channel: the digest comes ${describeSchedule(existing)}.`, {
        title: 'Peer-supervision digest',
      });
    }
    if (existing && existing.createdBy !== coach.id) {
      this.deps.log.info('group schedule change refused', { group: existing.id, by: coach.id });
      return message(`${onlyTheRegistrar(existing)} The digest still comes ${describeSchedule(existing)}.`);
    }
    let day: Weekday = DEFAULT_DIGEST_DAY;
    let time = DEFAULT_DIGEST_TIME;
    for (const word of args.split(/\s+/).filter(Boolean)) {
      const asTime = /\d/.test(word) ? parseTimeOfDay(word) : undefined;
      if (asTime) time = asTime;
      else if (DAY_NAMES.some((d) => word.toLowerCase().startsWith(d))) {
        const days = parseDays(word);
        if (days.length !== 1) throw new TrellisError('invalid_setting', 'Name one day for the digest, such as mon.');
        day = days[0];
      } else {
        throw new TrellisError(
          'invalid_setting',
          'One of those words is neither a day nor a time. Try: /selfcheck digest here mon 09:00',
        );
      }
    }
    const now = this.deps.clock.now();
    const { group, created } = this.deps.repos.groups.register({
      platform: coach.platform,
      tenant: coach.tenant,
      channelId: channel.id,
      name: channel.name ?? null,
      digestWeekday: day,
      digestTime: time,
      timeZone: coach.settings.timeZone,
      createdBy: existing ? existing.createdBy : coach.id,
      createdAt: now.toISOString(),
    });
    this.deps.log.info('group registered', { group: group.id, created, by: coach.id });
    return message(
      [
        `${created ? 'This channel is now' : 'This channel stays'} a peer-supervision channel: the digest comes ${describeSchedule(group)}.`,
        `Coaches opt in here with /selfcheck group join and can leave any time with /selfcheck group leave. Group figures appear only for a week in which at least ${this.deps.minGroupSize} members check in, as broad bands; nobody's own ratings or notes appear, and a reflection only when its author shares it.`,
        'Only you can change the schedule (/selfcheck digest here <day> <time>) or stop the digest (/selfcheck digest stop).',
      ],
      { title: 'Peer-supervision digest' },
    );
  }

  private groupHere(coach: Coach, channel: ChannelContext): Group {
    if (channel?.kind !== 'group') {
      throw new TrellisError('no_group', 'Type this in the peer-supervision channel itself, not in a direct message.');
    }
    const group = this.deps.repos.groups.find(coach.platform, coach.tenant, channel.id);
    if (!group) {
      throw new TrellisError(
        'no_group',
        'This channel is not a peer-supervision channel yet. Someone can make it one with /selfcheck digest here.',
      );
    }
    return group;
  }

  /** `digest` in a peer-supervision channel, for its members: the last digest published there, as posted. */
  private lastDigest(coach: Coach, channel: ChannelContext): Message {
    const group = this.groupHere(coach, channel);
    if (!this.deps.repos.groups.isMember(group.id, coach.id)) {
      return message(
        'The digest is for members of this group. To join, type /selfcheck group join here; the next digest then counts your check-ins.',
      );
    }
    const last = this.deps.weekly.digests.lastPublished(group);
    if (!last) {
      return message(
        `No digest has been published here yet. The first comes ${describeSchedule(group)}, about the week just closed.`,
      );
    }
    return digestMessage(last);
  }

  /**
   * `digest stop [remove-posts]`: the registering coach unregisters the channel; its members, shares and digests go
   * with it. Trellis's earlier digests stay in the channel unless asked to go, and the answer says which.
   */
  private stop(coach: Coach, channel: ChannelContext, removePosts: boolean): Message {
    const group = this.groupHere(coach, channel);
    if (group.createdBy !== coach.id) {
      this.deps.log.info('group stop refused', { group: group.id, by: coach.id });
      return message(onlyTheRegistrar(group));
    }
    this.deps.repos.groups.remove(group.id);
    const { removals } = this.deps;
    const queued =
      removePosts && removals && group.platform !== 'console'
        ? removals.queueChannel(
            { platform: group.platform, tenant: group.tenant, conversation: group.channelId },
            this.deps.clock.now().toISOString(),
          )
        : 0;
    if (queued > 0) this.deps.onRemovalsQueued?.();
    this.deps.log.info('group unregistered', { group: group.id, by: coach.id, postsQueued: queued });
    const posts = removePosts
      ? queued > 0
        ? `Trellis is removing its ${queued} earlier post${queued === 1 ? '' : 's'} here (digests and charts), a few at a time.`
        : 'Trellis has no earlier posts here to remove.'
      : `Trellis's earlier digests stay in this channel. To remove them too, register it again with /selfcheck digest here and stop it with /selfcheck digest stop remove-posts, or ask an admin to run npm run cli -- group-stop --channel ${group.channelId} --remove-posts.`;
    return message([
      `${groupLabel(group)} is no longer a peer-supervision channel: no more digests, and its memberships, its links to shared reflections (the reflections stay with their coaches) and its published figures are removed. Register it again any time with /selfcheck digest here.`,
      posts,
    ]);
  }

  /** `group join | leave | (nothing)` in a peer-supervision channel. */
  group(coach: Coach, args: string, channel: ChannelContext): Message {
    const group = this.groupHere(coach, channel);
    const at = this.deps.clock.now().toISOString();
    const { groups } = this.deps.repos;
    switch (args.trim().toLowerCase()) {
      case 'join': {
        const joined = groups.join(group.id, coach.id, at);
        this.deps.log.info('group joined', { group: group.id, coach: coach.id, joined });
        return message(
          joined
            ? `You joined ${groupLabel(group)}. The digest shows group numbers only, never yours; a reflection appears only if you share it (/selfcheck share in your DM).`
            : `You are already in ${groupLabel(group)}.`,
        );
      }
      case 'leave': {
        const left = groups.leave(group.id, coach.id, at);
        this.deps.log.info('group left', { group: group.id, coach: coach.id, left });
        return message(
          left
            ? `You left ${groupLabel(group)}. Your check-ins no longer count towards its digest.`
            : `You are not a member of ${groupLabel(group)}.`,
        );
      }
      case '':
        return message(
          [
            // Never today's count: watching it move would tell who just joined or left.
            `${groupLabel(group)}: digest ${describeSchedule(group)}. ${this.membersAtLastClose(group)}`,
            groups.isMember(group.id, coach.id)
              ? 'You are a member (/selfcheck group leave to leave).'
              : 'You are not a member (/selfcheck group join to join).',
          ],
          { title: 'Peer-supervision group' },
        );
      default:
        throw new TrellisError('unknown_command', 'Use /selfcheck group join or /selfcheck group leave.');
    }
  }

  /** Members as the last published digest counted them (at its week's close), the only count a channel sees. */
  private membersAtLastClose(group: Group): string {
    const last = this.deps.repos.groupDigests.latest(group.id);
    if (!last) return 'The first digest will say how many members the group had when its week closed.';
    const n = last.figures.members;
    return `${n} member${n === 1 ? '' : 's'} when the last published week closed; the count is only updated with each digest.`;
  }

  /** The groups a reflection would go to: the channel's group when typed there, else every group the coach is in. */
  private shareTargets(coach: Coach, channel: ChannelContext): Group[] {
    const { groups } = this.deps.repos;
    if (channel?.kind === 'group') {
      const here = groups.find(coach.platform, coach.tenant, channel.id);
      if (here && groups.isMember(here.id, coach.id)) return [here];
    }
    const mine = groups.groupsOf(coach.id);
    if (mine.length === 0) {
      throw new TrellisError(
        'no_group',
        'You are not in a peer-supervision group yet: type /selfcheck group join in the group’s channel first.',
      );
    }
    return mine;
  }

  private ownReflection(coach: Coach, id?: number) {
    const { reflections } = this.deps.repos;
    const reflection = id === undefined ? reflections.recent(coach.id, 1)[0] : reflections.byId(id);
    if (!reflection || reflection.coachId !== coach.id) {
      throw new TrellisError(
        'no_reflection',
        id === undefined
          ? 'You have no reflection to share yet. Type "prompt" for a question, reply to it, then share.'
          : 'That reflection is not one of yours, or it no longer exists.',
      );
    }
    return reflection;
  }

  /** `share [id]`: the preview, with warnings when the text looks like it identifies a client. Shares nothing. */
  preview(coach: Coach, reflectionId: number | undefined, channel: ChannelContext): Message {
    const reflection = this.ownReflection(coach, reflectionId);
    const targets = this.shareTargets(coach, channel);
    const already = new Set(this.deps.repos.sharedReflections.groupsSharedWith(reflection.id));
    const pending = targets.filter((g) => !already.has(g.id));
    if (pending.length === 0)
      return message(`You already shared that reflection with ${targets.map(groupLabel).join(', ')}.`);
    const warnings = clientDetailWarnings(reflection.text, this.deps.repos.clientCompanies.list(coach.id));
    return sharePreview(reflection, pending.map(groupLabel), warnings);
  }

  /** The Share button (or `share confirm <id>`): shares the reflection with the coach's groups. */
  confirm(coach: Coach, reflectionId: number, channel: ChannelContext): Message {
    const reflection = this.ownReflection(coach, reflectionId);
    const targets = this.shareTargets(coach, channel);
    const now = this.deps.clock.now();
    const { repos } = this.deps;
    // Shared and audited together, or neither.
    const newly = repos.transaction(() => {
      const added = targets.filter((g) => repos.sharedReflections.share(reflection.id, g.id, now.toISOString()));
      if (added.length) {
        repos.privacy.audit({
          at: now.toISOString(),
          coachId: coach.id,
          action: 'share',
          actor: 'coach',
          objectIds: { reflection: reflection.id, groups: added.map((g) => g.id) },
        });
      }
      return added;
    });
    this.deps.log.info('reflection shared', { coach: coach.id, reflectionId: reflection.id, groups: newly.length });
    if (newly.length === 0) return message('Already shared; nothing changed.');
    return message(
      `Shared with ${newly.map(groupLabel).join(', ')}, without your name (the words themselves may still tell your group who wrote them). It appears in the next digest (${newly.map(describeSchedule).join('; ')}).`,
    );
  }

  /** `settings companies Acme, Globex`: client companies that sharing warns about. Bare: show the list. */
  companies(coach: Coach, args: string): Message {
    const { clientCompanies } = this.deps.repos;
    if (args.trim() === '') {
      const list = clientCompanies.list(coach.id);
      return message(
        list.length
          ? `Client companies sharing warns about: ${list.join(', ')}. Change with "settings companies A, B" or clear with "settings companies none".`
          : 'No client companies listed. Add some with "settings companies Acme, Globex" and sharing will warn when a reflection names one.',
      );
    }
    const names = parseCompanyList(args);
    if (names.some((n) => n.length > 80) || names.length > 50) {
      throw new TrellisError('invalid_setting', 'List at most 50 company names of up to 80 characters each.');
    }
    clientCompanies.replace(coach.id, names);
    this.deps.log.info('client companies set', { coach: coach.id, count: names.length });
    return message(
      names.length
        ? `Saved ${names.length} client compan${names.length === 1 ? 'y' : 'ies'}; sharing will warn when a reflection names one. The list is not shown to your group or anyone in your organisation.`
        : 'Client companies cleared.',
    );
  }
}
