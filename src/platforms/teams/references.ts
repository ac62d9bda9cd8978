import type { Activity, ConversationReference } from 'botbuilder';
import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { CoachRef } from '../../core/model';
import type { ConversationReferenceRepository } from '../../store';

/** A stored reference must still look like one before a proactive send trusts it. */
const referenceSchema = z.looseObject({
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
  bot: z.looseObject({ id: z.string() }).optional(),
  user: z.looseObject({ id: z.string() }).optional(),
});

/** Teams' tenant for an activity; the emulator sends none. */
export function tenantOf(activity: Partial<Activity>): string {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? (typeof fromChannelData === 'string' ? fromChannelData : 'default');
}

/** The coach behind an activity: their Entra object id where Teams sends it (stable across bots), else the channel's id. */
export function coachRefOf(activity: Partial<Activity>): CoachRef {
  const from = activity.from;
  return { platform: 'teams', tenant: tenantOf(activity), user: from?.aadObjectId ?? from?.id ?? 'unknown' };
}

/** A channel thread's conversation id ends in ";messageid=…"; the channel itself is the part before. */
export function channelIdOf(activity: Partial<Activity>): string {
  return (activity.conversation?.id ?? '').split(';messageid=')[0];
}

export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (type === undefined && !activity.conversation?.isGroup);
}

/** Conversation references in SQLite: a coach's personal chat by user, a channel by its id. */
export class TeamsReferences {
  constructor(private readonly repo: ConversationReferenceRepository) {}

  /**
   * Writes the reference only when it is not already stored as it is, so a message from an unchanged conversation
   * (nearly all of them) costs one read by key and no write. The check asks SQLite, not a copy in memory: another
   * process (the admin CLI's delete) may have removed the row since, and the coach's next message must store it again.
   */
  private save(key: { tenant: string; scope: 'personal' | 'channel'; key: string }, reference: object): void {
    const stored = { platform: 'teams' as const, ...key };
    if (!this.repo.holds(stored, reference)) this.repo.save(stored, reference);
  }

  /** Remembers where this activity came from, so Trellis can write there later on its own. */
  remember(activity: Partial<Activity>): void {
    // Without the activity id: a proactive send starts a new message instead of replying to an old one.
    const { activityId: _replyTo, ...reference } = TurnContext.getConversationReference(activity);
    if (isPersonal(activity)) {
      const key = coachRefOf(activity).user;
      this.save({ tenant: tenantOf(activity), scope: 'personal', key }, reference);
    } else {
      const id = channelIdOf(activity);
      // Without the user who typed: a post to the channel needs none, and a coach who deletes their data must not
      // stay named in the channel's reference.
      const { user: _typedBy, ...toChannel } = reference;
      const channelReference = { ...toChannel, conversation: { ...reference.conversation, id } };
      this.save({ tenant: tenantOf(activity), scope: 'channel', key: id }, channelReference);
    }
  }

  /** Forgets a coach's personal chat (they deleted their data): their next message stores it afresh. */
  forgetPersonal(tenant: string, user: string): void {
    this.repo.remove({ platform: 'teams', tenant, scope: 'personal', key: user });
  }

  personal(tenant: string, user: string): Partial<ConversationReference> | undefined {
    return this.load(this.repo.find({ platform: 'teams', tenant, scope: 'personal', key: user })?.reference);
  }

  channel(tenant: string, channelId: string): Partial<ConversationReference> | undefined {
    return this.load(this.repo.find({ platform: 'teams', tenant, scope: 'channel', key: channelId })?.reference);
  }

  private load(stored: unknown): Partial<ConversationReference> | undefined {
    if (stored === undefined) return undefined;
    const parsed = referenceSchema.safeParse(stored);
    return parsed.success ? (parsed.data as unknown as Partial<ConversationReference>) : undefined;
  }
}
