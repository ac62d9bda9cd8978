import type { Platform, Weekday } from '../core/model';
import { planDue } from '../core/schedule';
import type { NewDelivery } from '../store/deliveries';
import { channelRecipient } from './delivery';
import type { DuePlanner } from './jobs';

/** A channel's weekly delivery: a day and time in a time zone (a peer-supervision digest, for one). */
export interface ChannelSchedule {
  platform: Platform;
  tenant: string;
  channelId: string;
  /** ISO weekday, 1 = Monday. */
  day: Weekday;
  /** "HH:MM". */
  time: string;
  timeZone: string;
}

/**
 * A planner for weekly channel deliveries of one kind ('digest'): each tick, every channel whose day and time
 * has come (within the catch-up window) gets one row for that local date. `channels` is read every tick, so
 * registrations and changes take effect at once; channels are few, so reading them all is cheap.
 */
export function weeklyChannelPlanner(
  kind: string,
  channels: () => ChannelSchedule[],
  catchUpMinutes: number,
): DuePlanner {
  return (now) => {
    const rows: NewDelivery[] = [];
    for (const channel of channels()) {
      const schedule = {
        promptTime: channel.time,
        promptDays: [channel.day],
        timeZone: channel.timeZone,
        level: null,
        workingToward: null,
        practices: [],
        pausedUntil: null,
      };
      const due = planDue(schedule, now, catchUpMinutes).send;
      if (!due) continue;
      rows.push({
        recipient: channelRecipient(channel.tenant, channel.channelId),
        coachId: null,
        platform: channel.platform,
        kind,
        localDate: due.localDate,
        dueAt: due.dueUtc.toISOString(),
      });
    }
    return rows;
  };
}
