import type { PostedItem } from '../core/ports';
import type { SenderDeps } from './delivery';
import { isDatabaseLocked, whenUnlocked } from './lock-wait';

/**
 * A write of a delivery attempt, through the group commit where there is one (SenderDeps.commits), so the writes of
 * the sends under way share one COMMIT; resolved only once committed, so a mark is durable before the call after it.
 * While another process holds the database it is waited for asynchronously (the group commit's own wait, then
 * lock-wait.ts's), so a post's mark is never lost to a lock.
 */
export function outboxWrite<T>(deps: Pick<SenderDeps, 'commits'>, work: () => T): Promise<T> {
  const { commits } = deps;
  if (!commits) return whenUnlocked(work);
  return commits.run(work).catch((error: unknown) => {
    if (!isDatabaseLocked(error)) throw error;
    return whenUnlocked(work);
  });
}

/**
 * A mark right after a text was posted (`sent`, or `posted` before its chart), with the text's removal record in
 * the same commit: one write instead of two, and never the mark without its record. The record is written even when
 * the claim was taken over (the message is on the platform either way). If that commit fails, the record is written
 * on its own (retried in the background, platform-messages.ts) before the failure goes on; a crash before it leaves
 * the row 'posting', and the lookup that then finds the message records it (Messenger.wasDelivered).
 */
export async function markWithRecord(
  deps: Pick<SenderDeps, 'commits' | 'postedItems'>,
  posted: PostedItem | undefined,
  mark: () => boolean,
): Promise<boolean> {
  const records = deps.postedItems;
  if (!posted || !records) return outboxWrite(deps, mark);
  try {
    return await outboxWrite(deps, () => records.recordWith(posted, mark));
  } catch (error) {
    records.record(posted);
    throw error;
  }
}
