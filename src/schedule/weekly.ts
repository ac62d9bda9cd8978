import type { GroupRepository } from '../core/ports';
import type { Trellis } from '../core/trellis';
import { weeklyChannelPlanner } from './channel-planner';
import { parseRecipient } from './delivery';
import type { DuePlanner } from './jobs';
import type { ProducerRegistry } from './producers';

/**
 * Weekly summaries ('weekly', to each coach's DM with their first prompt of the week) and peer-supervision digests
 * ('digest', to each registered channel on its day and time), through the same outbox as the daily prompt.
 * Both are built for the delivery's scheduled time, not the retry's, so a late retry reports the same week.
 */
export function registerWeeklyProducers(
  registry: ProducerRegistry,
  deps: { trellis: Trellis; groups: GroupRepository },
): ProducerRegistry {
  registry.register('weekly', ({ delivery, coach }) =>
    coach ? deps.trellis.weeklySummaryFor(coach.id, new Date(delivery.dueAt)) : undefined,
  );
  registry.register('digest', ({ delivery }) => {
    const target = parseRecipient(delivery.recipient);
    if (target?.kind !== 'channel') return undefined;
    const group = deps.groups.find(delivery.platform, target.tenant, target.id);
    return group ? deps.trellis.digestFor(group.id, new Date(delivery.dueAt)) : undefined;
  });
  return registry;
}

/** Plans each registered channel's digest on its weekday and local time. */
export function digestPlanner(groups: GroupRepository, catchUpMinutes: number): DuePlanner {
  return weeklyChannelPlanner(
    'digest',
    () =>
      groups.all().map((g) => ({
        platform: g.platform,
        tenant: g.tenant,
        channelId: g.channelId,
        day: g.digestWeekday,
        time: g.digestTime,
        timeZone: g.timeZone,
      })),
    catchUpMinutes,
  );
}
