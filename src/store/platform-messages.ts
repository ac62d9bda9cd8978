import type { CoachRef, Platform } from '../core/model';
import type { Logger, PostedItem, PostedItemRecorder, RemovalRequests } from '../core/ports';
import type { Db } from './db';
import { toStorageError } from './errors';

/** One recorded item on its way off the platform. */
export interface QueuedRemoval extends PostedItem {
  id: number;
  attempts: number;
  removalId: number | null;
}

/** A coach's request to remove Trellis's messages, with what came of it so far. */
export interface RemovalRun {
  id: number;
  platform: Platform;
  tenant: string;
  user: string;
  reason: 'delete' | 'messages';
  conversation: string | null;
  serviceUrl: string | null;
  removed: number;
  failed: number;
  reportAttempts: number;
}

/** A row for the admin's `removals` listing: ids and state, never content. */
export interface RemovalListing {
  id: number;
  platform: Platform;
  kind: PostedItem['kind'];
  conversation: string;
  itemId: string;
  status: 'queued' | 'removing' | 'failed';
  attempts: number;
  error: string | null;
}

interface ItemRow {
  id: number;
  platform: Platform;
  tenant: string;
  user_id: string | null;
  kind: PostedItem['kind'];
  conversation: string;
  item_id: string;
  service_url: string | null;
  attempts: number;
  removal_id: number | null;
  status: RemovalListing['status'];
  error: string | null;
}

interface RunRow {
  id: number;
  platform: Platform;
  tenant: string;
  user_id: string;
  reason: RemovalRun['reason'];
  conversation: string | null;
  service_url: string | null;
  removed: number;
  failed: number;
  report_attempts: number;
}

const toItem = (r: ItemRow): QueuedRemoval => ({
  id: r.id,
  platform: r.platform,
  tenant: r.tenant,
  ...(r.user_id ? { user: r.user_id } : {}),
  kind: r.kind,
  conversation: r.conversation,
  itemId: r.item_id,
  ...(r.service_url ? { serviceUrl: r.service_url } : {}),
  attempts: r.attempts,
  removalId: r.removal_id,
});

const toRun = (r: RunRow): RemovalRun => ({
  id: r.id,
  platform: r.platform,
  tenant: r.tenant,
  user: r.user_id,
  reason: r.reason,
  conversation: r.conversation,
  serviceUrl: r.service_url,
  removed: r.removed,
  failed: r.failed,
  reportAttempts: r.report_attempts,
});

/**
 * The record of what Trellis posted, and the removal queue over it. A queued row is claimed atomically with a token
 * and a lease (like the outbox, src/store/deliveries.ts), so a crash mid-removal is taken over later, and every mark
 * checks the token. A removed row is deleted; a row that failed for good forgets its user.
 */
export interface PlatformMessageStore extends PostedItemRecorder, RemovalRequests, PostedRecordWriter {
  claimNext(platform: Platform, now: string, token: string): QueuedRemoval | undefined;
  /** Rows stuck in 'removing' since before `claimedBefore` (their worker died): queued again. */
  releaseAbandoned(claimedBefore: string): number;
  markRemoved(id: number, token: string): boolean;
  markRetry(id: number, token: string, retry: { nextAttemptAt: string; error: string; countAttempt: boolean }): boolean;
  markFailed(id: number, token: string, error: string): boolean;
  nextPendingAt(platform: Platform): string | undefined;
  /** Queued or claimed rows (work left), of one platform or all. */
  openCount(platform?: Platform): number;
  /** Claims a run whose items are all settled, for its last word; a claim older than `staleBefore` is taken over. */
  claimFinishedRun(platform: Platform, now: string, staleBefore: string): RemovalRun | undefined;
  /** The last word was sent (or given up on): the run goes, and its failed rows forget whose they were. */
  finishRun(id: number): void;
  list(filter: 'open' | 'failed' | 'all'): RemovalListing[];
  /** Forgets failed removals (the admin removed them by hand, or gave up); returns how many. */
  forgetFailed(): number;
}

/** Writes a record together with the caller's own mark, in one commit (the outbox's `sent` mark, attempt.ts). */
export interface PostedRecordWriter {
  /**
   * Runs `work` and writes `item`'s record in ONE transaction, and returns what `work` returned. Throws what either
   * threw (a locked database: nothing of it was written); the caller then falls back on `record`, which retries.
   */
  recordWith<T>(item: PostedItem, work: () => T): T;
}

/**
 * The removal queue's queries. Each says `status <> 'posted'`: the queue's index leaves posted rows out (migration
 * 29), and SQLite uses a partial index only for a query whose WHERE names its condition (test/store/removal-queue-index).
 */
export const QUEUE_SQL = {
  claim: `UPDATE platform_messages SET status = 'removing', claim_token = ?, claimed_at = ?, attempts = attempts + 1
     WHERE id = (SELECT id FROM platform_messages
                 WHERE platform = ? AND status = 'queued' AND status <> 'posted' AND next_attempt_at <= ?
                 ORDER BY next_attempt_at, id LIMIT 1)
     RETURNING *`,
  release: `UPDATE platform_messages SET status = 'queued', claim_token = NULL
     WHERE status = 'removing' AND status <> 'posted' AND claimed_at < ?`,
  nextPending: `SELECT min(next_attempt_at) AS at FROM platform_messages
     WHERE platform = ? AND status = 'queued' AND status <> 'posted'`,
  openAll: `SELECT count(*) AS n FROM platform_messages WHERE status IN ('queued', 'removing') AND status <> 'posted'`,
  openFor: `SELECT count(*) AS n FROM platform_messages
     WHERE platform = ? AND status IN ('queued', 'removing') AND status <> 'posted'`,
} as const;

/** How long a refused record waits before each new try (then it is logged as lost). */
const RECORD_RETRY_MS = [100, 500, 2_000, 10_000, 60_000];

export function platformMessageStore(
  db: Db,
  now: () => Date = () => new Date(),
  options: { log?: Logger } = {},
): PlatformMessageStore {
  // A DM is recorded only while its coach exists: a reply sent after a deletion must not bring a row about them back.
  const insert = db.prepare(
    `INSERT INTO platform_messages
       (platform, tenant, user_id, kind, conversation, channel, item_id, service_url, posted_at)
     SELECT @platform, @tenant, @user, @kind, @conversation, @channel, @itemId, @serviceUrl, @now
     WHERE @user IS NULL
        OR EXISTS (SELECT 1 FROM coaches WHERE platform = @platform AND tenant = @tenant AND user_id = @user)
     ON CONFLICT (platform, kind, conversation, item_id) DO NOTHING`,
  );
  const insertRun = db.prepare(
    `INSERT INTO platform_removals (platform, tenant, user_id, reason, conversation, service_url, requested_at)
     VALUES (@platform, @tenant, @user, @reason, @conversation, @serviceUrl, @at)`,
  );
  const latestChat = db.prepare<[string, string, string], { conversation: string; service_url: string | null }>(
    `SELECT conversation, service_url FROM platform_messages
     WHERE platform = ? AND tenant = ? AND user_id = ? AND kind = 'message' ORDER BY posted_at DESC, id DESC LIMIT 1`,
  );
  const countCoach = db.prepare<[string, string, string], { n: number }>(
    `SELECT count(*) AS n FROM platform_messages
     WHERE platform = ? AND tenant = ? AND user_id = ? AND status <> 'failed' AND removal_id IS NULL`,
  );
  const queueCoach = db.prepare(
    `UPDATE platform_messages SET removal_id = @run, status = CASE status WHEN 'removing' THEN status ELSE 'queued' END,
       next_attempt_at = coalesce(next_attempt_at, @at)
     WHERE platform = @platform AND tenant = @tenant AND user_id = @user AND status <> 'failed'
       AND removal_id IS NULL`,
  );
  const queueBefore = db.prepare(
    `UPDATE platform_messages SET status = 'queued', next_attempt_at = @at WHERE status = 'posted' AND posted_at < @cutoff`,
  );
  // A channel's posts are the rows that name it (migration 14): digests and their charts.
  const queueChannel = db.prepare(
    `UPDATE platform_messages SET status = 'queued', next_attempt_at = @at
     WHERE status = 'posted' AND channel = @conversation
       AND (@platform IS NULL OR platform = @platform) AND (@tenant IS NULL OR tenant = @tenant)`,
  );
  const claim = db.prepare<[string, string, Platform, string], ItemRow>(QUEUE_SQL.claim);
  const claimTx = db.transaction((platform: Platform, now: string, token: string) =>
    claim.get(token, now, platform, now),
  );
  const release = db.prepare(QUEUE_SQL.release);
  const owned = db.prepare<[number, string], { removal_id: number | null }>(
    `SELECT removal_id FROM platform_messages WHERE id = ? AND claim_token = ? AND status = 'removing'`,
  );
  const countRun = (column: 'removed' | 'failed') =>
    db.prepare(`UPDATE platform_removals SET ${column} = ${column} + 1 WHERE id = ?`);
  const countRemoved = countRun('removed');
  const countFailed = countRun('failed');
  const deleteItem = db.prepare('DELETE FROM platform_messages WHERE id = ?');
  const retry = db.prepare(
    `UPDATE platform_messages SET status = 'queued', next_attempt_at = ?, error = ?, claim_token = NULL,
       attempts = attempts - ?
     WHERE id = ? AND claim_token = ? AND status = 'removing'`,
  );
  // A failed row forgets its user unless its run still needs it for the count; finishRun clears the rest.
  const fail = db.prepare(
    `UPDATE platform_messages SET status = 'failed', error = ?, claim_token = NULL,
       user_id = CASE WHEN removal_id IS NULL THEN NULL ELSE user_id END
     WHERE id = ?`,
  );
  const nextPending = db.prepare<[Platform], { at: string | null }>(QUEUE_SQL.nextPending);
  const openAll = db.prepare<[], { n: number }>(QUEUE_SQL.openAll);
  const openFor = db.prepare<[Platform], { n: number }>(QUEUE_SQL.openFor);
  const finishedRun = db.prepare<[Platform, string], RunRow>(
    `SELECT * FROM platform_removals r WHERE platform = ?
       AND (report_claimed_at IS NULL OR report_claimed_at < ?)
       AND NOT EXISTS (SELECT 1 FROM platform_messages m WHERE m.removal_id = r.id AND m.status IN ('queued', 'removing'))
     ORDER BY id LIMIT 1`,
  );
  const claimRun = db.prepare(
    `UPDATE platform_removals SET report_claimed_at = ?, report_attempts = report_attempts + 1
     WHERE id = ? AND (report_claimed_at IS NULL OR report_claimed_at < ?)`,
  );
  const claimRunTx = db.transaction((platform: Platform, now: string, staleBefore: string) => {
    const run = finishedRun.get(platform, staleBefore);
    if (!run || claimRun.run(now, run.id, staleBefore).changes === 0) return undefined;
    return { ...run, report_attempts: run.report_attempts + 1 };
  });
  const forgetRunUsers = db.prepare(
    `UPDATE platform_messages SET user_id = NULL, removal_id = NULL WHERE removal_id = ? AND status = 'failed'`,
  );
  const deleteRun = db.prepare('DELETE FROM platform_removals WHERE id = ?');
  const listOf = {
    open: db.prepare<[], ItemRow>(`SELECT * FROM platform_messages WHERE status IN ('queued', 'removing') ORDER BY id`),
    failed: db.prepare<[], ItemRow>(`SELECT * FROM platform_messages WHERE status = 'failed' ORDER BY id`),
    all: db.prepare<[], ItemRow>(`SELECT * FROM platform_messages WHERE status <> 'posted' ORDER BY id`),
  };
  const forgetOne = db.prepare(
    `DELETE FROM platform_messages WHERE platform = ? AND conversation = ? AND item_id = ? AND kind <> 'file'`,
  );
  const forgetFailed = db.prepare(`DELETE FROM platform_messages WHERE status = 'failed' AND removal_id IS NULL`);

  const insertOne = (item: PostedItem) =>
    insert.run({
      platform: item.platform,
      tenant: item.tenant,
      user: item.kind === 'channel' ? null : (item.user ?? null),
      kind: item.kind,
      conversation: item.conversation,
      // Only a channel's posts (no user) name a channel: a DM's conversation is no channel to stop.
      channel: item.kind === 'channel' || !item.user ? (item.channel ?? item.conversation) : null,
      itemId: item.itemId,
      serviceUrl: item.serviceUrl ?? null,
      now: now().toISOString(),
    }).changes === 1;

  /**
   * A record refused because the database was locked (a checkpoint, the admin CLI) or full at that moment is tried
   * again after a while, several times: the message is already on the platform, and without its record a coach's
   * delete would leave it there. The insert ignores a repeat and a coach deleted in the meantime.
   */
  const recordAgain = (item: PostedItem, attempt: number) => {
    const wait = RECORD_RETRY_MS[attempt];
    if (wait === undefined) {
      options.log?.warn('posted message not recorded: a delete will not remove it', {
        platform: item.platform,
        tenant: item.tenant,
        kind: item.kind,
        conversation: item.conversation,
        itemId: item.itemId,
      });
      return;
    }
    setTimeout(() => {
      if (!db.open) return;
      try {
        insertOne(item);
      } catch {
        recordAgain(item, attempt + 1);
      }
    }, wait).unref();
  };

  const withRecord = db.transaction((item: PostedItem, work: () => unknown) => {
    const result = work();
    insertOne(item);
    return result;
  });

  const settle = (id: number, token: string, work: (removalId: number | null) => void) =>
    db
      .transaction(() => {
        const row = owned.get(id, token);
        if (!row) return false;
        work(row.removal_id);
        return true;
      })
      .immediate();

  return {
    record(item) {
      // A failed write of the record must not fail the send it records. It is tried again later, so what was
      // posted can still be removed; `recordAgain` logs (ids only) a record that could not be kept at all.
      try {
        return insertOne(item);
      } catch (error) {
        // Counted as a refusal (a locked or read-only database), so a group commit that runs this while another
        // process holds the lock knows it tried to write and keeps it for the retry (src/store/group-commit.ts).
        toStorageError(error);
        recordAgain(item, 0);
        return false;
      }
    },
    recordWith: <T>(item: PostedItem, work: () => T): T => withRecord.immediate(item, work) as T,
    forget(platform, conversation, itemId) {
      forgetOne.run(platform, conversation, itemId);
    },
    queueCoach(ref: CoachRef, reason, at) {
      return db.transaction(() => {
        const n = countCoach.get(ref.platform, ref.tenant, ref.user)?.n ?? 0;
        if (n === 0) return 0;
        const chat = latestChat.get(ref.platform, ref.tenant, ref.user);
        const run = insertRun.run({
          platform: ref.platform,
          tenant: ref.tenant,
          user: ref.user,
          reason,
          conversation: chat?.conversation ?? null,
          serviceUrl: chat?.service_url ?? null,
          at,
        }).lastInsertRowid;
        return queueCoach.run({ run, at, platform: ref.platform, tenant: ref.tenant, user: ref.user }).changes;
      })();
    },
    queuePostedBefore: (cutoff, at) => queueBefore.run({ cutoff, at }).changes,
    queueChannel: (channel, at) =>
      queueChannel.run({
        conversation: channel.conversation,
        platform: channel.platform ?? null,
        tenant: channel.tenant ?? null,
        at,
      }).changes,
    claimNext(platform, now, token) {
      const row = claimTx.immediate(platform, now, token);
      return row ? toItem(row) : undefined;
    },
    releaseAbandoned: (claimedBefore) => release.run(claimedBefore).changes,
    markRemoved: (id, token) =>
      settle(id, token, (run) => {
        if (run !== null) countRemoved.run(run);
        deleteItem.run(id);
      }),
    markRetry: (id, token, r) => retry.run(r.nextAttemptAt, r.error, r.countAttempt ? 0 : 1, id, token).changes === 1,
    markFailed: (id, token, error) =>
      settle(id, token, (run) => {
        if (run !== null) countFailed.run(run);
        fail.run(error, id);
      }),
    nextPendingAt: (platform) => nextPending.get(platform)?.at ?? undefined,
    openCount: (platform) => (platform ? openFor.get(platform)?.n : openAll.get()?.n) ?? 0,
    claimFinishedRun(platform, now, staleBefore) {
      const run = claimRunTx.immediate(platform, now, staleBefore);
      return run ? toRun(run) : undefined;
    },
    finishRun(id) {
      db.transaction(() => {
        forgetRunUsers.run(id);
        deleteRun.run(id);
      }).immediate();
    },
    list: (filter) =>
      listOf[filter].all().map((r) => ({
        id: r.id,
        platform: r.platform,
        kind: r.kind,
        conversation: r.conversation,
        itemId: r.item_id,
        status: r.status,
        attempts: r.attempts,
        error: r.error,
      })),
    forgetFailed: () => forgetFailed.run().changes,
  };
}
