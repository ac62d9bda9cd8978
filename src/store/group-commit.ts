import type { WriteBatcher } from '../core/ports';
import type { Db } from './db';
import { toStorageError } from './errors';

/** Bounds one transaction: a burst larger than this is committed in several. */
const MAX_BATCH = 256;

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { item: Queued; ok: true; value: unknown } | { item: Queued; ok: false; error: unknown };

export interface GroupCommitStats {
  /** Transactions committed. */
  batches: number;
  /** Works whose writes were committed. */
  committed: number;
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
 */
export class GroupCommit implements WriteBatcher {
  readonly stats: GroupCommitStats = { batches: 0, committed: 0 };
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  /** better-sqlite3 runs a transaction function inside an open transaction as a SAVEPOINT ... RELEASE. */
  private readonly inSavepoint;

  constructor(private readonly db: Db) {
    // IMMEDIATE takes the write lock up front, so a busy database fails the BEGIN, not a statement halfway.
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.inSavepoint = db.transaction((work: () => unknown) => work());
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Runs and commits everything queued so far. Called on the next check phase; callable directly (shutdown). */
  readonly flush = (): void => {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      for (const outcome of this.runBatch(batch)) {
        if (outcome.ok) outcome.item.resolve(outcome.value);
        else outcome.item.reject(outcome.error);
      }
    }
  };

  private runBatch(batch: Queued[]): Outcome[] {
    const { db } = this;
    try {
      this.begin.run();
    } catch (error) {
      const reason = toStorageError(error);
      return batch.map((item) => ({ item, ok: false, error: reason }));
    }
    const outcomes: Outcome[] = [];
    /** Works that succeeded since the last BEGIN: their writes stand or fall with the next COMMIT. */
    let open: Outcome[] = [];
    for (const item of batch) {
      let outcome: Outcome;
      try {
        outcome = { item, ok: true, value: this.inSavepoint(item.work) };
      } catch (error) {
        outcome = { item, ok: false, error };
      }
      outcomes.push(outcome);
      if (!db.inTransaction) {
        // SQLite rolled the whole transaction back (a full disk, an I/O error): the earlier works are lost too.
        const lost = toStorageError(outcome.ok ? new Error('transaction ended by the work') : outcome.error);
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
export function createGroupCommit(db: Db): GroupCommit {
  return new GroupCommit(db);
}
