import type { Logger, WriteBatcher } from '../core/ports';
import type { Db } from './db';
import {
  isLockError,
  refusalSince,
  StorageUnavailableError,
  storageRefusals,
  toStorageError,
  whileLockedReadOnly,
} from './errors';

/** Bounds one transaction: a burst larger than this is committed in several. */
const MAX_BATCH = 256;

/**
 * How long a write may wait for a lock another process holds before it is answered "busy, try again": short enough
 * that a Slack ack still goes out within Slack's 3 seconds.
 */
export const DEFAULT_LOCK_WAIT_MS = 2_000;
/** Retries of a locked BEGIN back off from the first to the last of these (ms), then stay at the last. */
const RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 100] as const;

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** When it was queued (ms, monotonic): a write waits for a lock at most lockWaitMs from here. */
  queuedAt: number;
  /** Found, on a read-only attempt while the database was locked, to need the write lock. */
  needsWrite: boolean;
}

type Outcome = { item: Queued; ok: true; value: unknown } | { item: Queued; ok: false; error: unknown };

export interface GroupCommitStats {
  /** Transactions committed. */
  batches: number;
  /** Works whose writes were committed. */
  committed: number;
  /** Works answered without the write lock while another process held it (they only read). */
  answeredWhileLocked: number;
  /** Times BEGIN found the database locked and the queue waited for a retry. */
  lockWaits: number;
}

export interface GroupCommitOptions {
  /** How long a write waits for another process's lock before it is refused as busy (default 2 s). */
  lockWaitMs?: number;
  /** Where refused writes are logged (their SQLite code and how long they waited; never what they held). */
  log?: Logger;
}

/**
 * Group commit over one SQLite connection. Work queued during one turn of the event loop runs together at the next
 * check phase (setImmediate) inside ONE transaction, each work in its own savepoint, and every promise is settled
 * only after that transaction's COMMIT has returned: a caller acknowledges a write only once it is in the database.
 *
 * Why: in WAL mode most of a small write's cost is its commit (the WAL frames of every page it touched); requests
 * arriving together share those pages and that commit. The transaction opens and commits within one synchronous
 * call, so no other code ever runs while it is open and nothing outside the queue joins it by accident.
 *
 * A work that throws is rolled back to its savepoint alone; the others in the batch are still committed. If the
 * COMMIT itself fails (or SQLite rolls the whole transaction back), every work of the batch is rejected: nothing of
 * it was stored, and nobody was told otherwise.
 *
 * Another process holding the database (a backup, `BEGIN EXCLUSIVE` in a shell) never freezes the event loop: the
 * connection's busy timeout is a few milliseconds (db.ts), and a BEGIN that finds the lock taken does not block but
 * answers what it can and waits asynchronously. Each queued work is first tried in a read-only transaction
 * (`query_only`): one that only reads (history, journal, help) is answered at once from the last committed state; one
 * that needs to write is kept and retried with backoff, in order, until the lock is free, and refused with "busy,
 * try again" (StorageUnavailableError, SQLITE_BUSY) once it has waited lockWaitMs. A read-only database refuses
 * such writes at once (SQLITE_READONLY), since waiting cannot help.
 */
export class GroupCommit implements WriteBatcher {
  readonly stats: GroupCommitStats = { batches: 0, committed: 0, answeredWhileLocked: 0, lockWaits: 0 };
  private queue: Queued[] = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lockedRounds = 0;
  private readonly lockWaitMs: number;
  private readonly log?: Logger;
  private readonly begin;
  private readonly beginRead;
  private readonly commit;
  private readonly rollback;
  private readonly totalChanges;
  /** better-sqlite3 runs a transaction function inside an open transaction as a SAVEPOINT ... RELEASE. */
  private readonly inSavepoint;

  constructor(
    private readonly db: Db,
    options: GroupCommitOptions = {},
  ) {
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.log = options.log;
    // IMMEDIATE takes the write lock up front, so a busy database fails the BEGIN, not a statement halfway.
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.beginRead = db.prepare('BEGIN DEFERRED');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    // Not a prepared `PRAGMA query_only = ON`: SQLite applies a flag pragma when the statement is prepared, not each
    // time it runs, so a prepared one switched nothing on its first run (it did only after SQLite had expired and
    // re-prepared it). The read-only attempt then ran with writes allowed; a write that found the lock free again was
    // "done", answered, and rolled back: a lost write (bench:soak, one in two of three 10-minute runs). The switch is
    // now made with db.pragma (prepared anew each time), and a work is answered only if nothing changed any row.
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
    this.inSavepoint = db.transaction((work: () => unknown) => work());
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        queuedAt: performance.now(),
        needsWrite: false,
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Works waiting for the lock or for the next check phase. */
  get pending(): number {
    return this.queue.length;
  }

  /** Runs and commits everything queued so far. Called on the next check phase; callable directly (shutdown). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const outcomes = this.runBatch(batch);
      if (outcomes === 'locked') return;
      for (const outcome of outcomes) {
        if (outcome.ok) outcome.item.resolve(outcome.value);
        else outcome.item.reject(outcome.error);
      }
    }
  };

  /** Flushes, then refuses whatever still waits for a lock (shutdown: the connection is about to close). */
  drain(): void {
    this.flush();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const left = this.queue.splice(0);
    const busy = toStorageError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    for (const item of left) item.reject(busy);
  }

  /**
   * BEGIN failed because the database is locked or cannot be written: answer the works that only read, refuse the
   * writes that cannot wait, and keep the rest (at the head of the queue, in order) for a retry.
   */
  private whileUnavailable(batch: Queued[], reason: unknown): void {
    const waiting = [...batch, ...this.queue.splice(0)];
    const canWait = isLockError(reason);
    const now = performance.now();
    const kept: Queued[] = [];
    let refused = 0;
    for (const item of waiting) {
      if (!item.needsWrite && this.answerReading(item, canWait)) continue;
      if (canWait && now - item.queuedAt < this.lockWaitMs) kept.push(item);
      else {
        refused += 1;
        item.reject(reason);
      }
    }
    if (refused > 0 && reason instanceof StorageUnavailableError) {
      this.log?.warn('writes refused: storage unavailable', {
        code: reason.sqliteCode,
        reason: reason.reason,
        writes: refused,
        waitedMs: canWait ? this.lockWaitMs : 0,
      });
    }
    this.queue = kept;
    if (kept.length === 0) return;
    this.stats.lockWaits += 1;
    const delay = RETRY_DELAYS_MS[Math.min(this.lockedRounds, RETRY_DELAYS_MS.length - 1)];
    this.lockedRounds += 1;
    if (!this.retryTimer) this.retryTimer = setTimeout(this.flush, delay);
  }

  /**
   * Runs `item` in a read-only transaction. True when it was answered (it only read, or failed on its own); false
   * when it tried to write, which the refusal counter shows even if the core turned the refusal into a reply, or
   * changed a row (which the rollback below undoes, so such a work must never be answered from here).
   */
  private answerReading(item: Queued, locked: boolean): boolean {
    const refusalsBefore = storageRefusals();
    let outcome: Outcome;
    let changed = false;
    // A connection already read-only (query_only set by its owner) stays so: only our own switch is undone.
    const wasQueryOnly = this.db.pragma('query_only', { simple: true }) === 1;
    try {
      this.db.pragma('query_only = ON');
      this.beginRead.run();
      const changesBefore = this.totalChanges.get() as number;
      try {
        const read = () => this.inSavepoint(item.work);
        outcome = { item, ok: true, value: locked ? whileLockedReadOnly(read) : read() };
      } catch (error) {
        outcome = { item, ok: false, error };
      }
      changed = (this.totalChanges.get() as number) !== changesBefore;
      if (this.db.inTransaction) this.rollback.run();
    } catch {
      // Not even a read transaction could start (an I/O error): the work waits or is refused like a write.
      item.needsWrite = true;
      return false;
    } finally {
      if (this.db.open && !wasQueryOnly) this.db.pragma('query_only = OFF');
    }
    const triedToWrite =
      changed ||
      storageRefusals() > refusalsBefore ||
      (!outcome.ok && toStorageError(outcome.error) instanceof StorageUnavailableError);
    if (triedToWrite) {
      item.needsWrite = true;
      return false;
    }
    this.stats.answeredWhileLocked += 1;
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.error);
    return true;
  }

  private runBatch(batch: Queued[]): Outcome[] | 'locked' {
    const { db } = this;
    try {
      this.begin.run();
    } catch (error) {
      const reason = toStorageError(error);
      if (reason instanceof StorageUnavailableError) {
        this.whileUnavailable(batch, reason);
        return 'locked';
      }
      return batch.map((item) => ({ item, ok: false, error: reason }));
    }
    this.lockedRounds = 0;
    const outcomes: Outcome[] = [];
    /** Works that succeeded since the last BEGIN: their writes stand or fall with the next COMMIT. */
    let open: Outcome[] = [];
    for (const item of batch) {
      let outcome: Outcome;
      const refusalsBefore = storageRefusals();
      try {
        outcome = { item, ok: true, value: this.inSavepoint(item.work) };
      } catch (error) {
        outcome = { item, ok: false, error };
      }
      outcomes.push(outcome);
      if (!db.inTransaction) {
        // SQLite rolled the whole transaction back (a full disk, an I/O error): the earlier works are lost too. The
        // refusal that ended it (SQLITE_FULL) is the cause, not the savepoint's release failing after it.
        const lost =
          refusalSince(refusalsBefore) ??
          toStorageError(outcome.ok ? new Error('transaction ended by the work') : outcome.error);
        for (const o of [...open, outcome]) Object.assign(o, { ok: false, error: lost });
        open = [];
        try {
          this.begin.run();
        } catch (error) {
          const reason = toStorageError(error);
          const rest = batch.slice(outcomes.length).map((i): Outcome => ({ item: i, ok: false, error: reason }));
          return [...outcomes, ...rest];
        }
        continue;
      }
      if (outcome.ok) open.push(outcome);
    }
    try {
      this.commit.run();
      this.stats.batches += 1;
      this.stats.committed += open.length;
    } catch (error) {
      if (db.inTransaction) this.rollback.run();
      const reason = toStorageError(error);
      for (const o of open) Object.assign(o, { ok: false, error: reason });
    }
    return outcomes;
  }
}

/** A WriteBatcher over `db`. */
export function createGroupCommit(db: Db, options: GroupCommitOptions = {}): GroupCommit {
  return new GroupCommit(db, options);
}
