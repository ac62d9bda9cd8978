import { TrellisError } from '../core/errors';

/** SQLite result codes that mean "not now" rather than "a bug": the database is locked, read-only or full. */
const UNAVAILABLE: readonly { prefix: string; reason: string }[] = [
  { prefix: 'SQLITE_BUSY', reason: 'the database is busy' },
  { prefix: 'SQLITE_LOCKED', reason: 'the database is locked' },
  { prefix: 'SQLITE_READONLY', reason: 'the database is read-only' },
  { prefix: 'SQLITE_FULL', reason: 'the disk or database is full' },
  { prefix: 'SQLITE_IOERR', reason: 'the disk could not be written' },
  { prefix: 'SQLITE_CANTOPEN', reason: 'the database file cannot be opened' },
];

export const STORAGE_UNAVAILABLE_MESSAGE = 'Trellis could not save right now; nothing was stored; please try again.';
/** Another process holds the database's write lock for longer than a write may wait (src/store/group-commit.ts). */
export const STORAGE_BUSY_MESSAGE =
  'Trellis is busy at the moment (its database is in use); nothing was stored. Please try again in a few seconds.';
/** The database could be opened for reading only (a read-only or full disk at start-up, or a read-only connection). */
export const STORAGE_READ_ONLY_MESSAGE =
  'Trellis is read-only at the moment, so nothing was stored; your history, journal and trend can still be read. Please try again later.';

/** What the user is told for each kind of refusal. */
function messageFor(sqliteCode: string): string {
  if (sqliteCode.startsWith('SQLITE_BUSY') || sqliteCode.startsWith('SQLITE_LOCKED')) return STORAGE_BUSY_MESSAGE;
  if (sqliteCode.startsWith('SQLITE_READONLY')) return STORAGE_READ_ONLY_MESSAGE;
  return STORAGE_UNAVAILABLE_MESSAGE;
}

/** Whether waiting may help: another connection holds the lock (as opposed to a read-only or full database). */
export function isLockError(error: unknown): boolean {
  return (
    error instanceof StorageUnavailableError &&
    (error.sqliteCode.startsWith('SQLITE_BUSY') || error.sqliteCode.startsWith('SQLITE_LOCKED'))
  );
}

/**
 * SQLITE_BUSY or SQLITE_LOCKED, raw from better-sqlite3 or mapped (StorageUnavailableError): another process holds
 * the database's write lock, and waiting may help. A serving process fails such writes within a few milliseconds
 * (src/store/db.ts, SERVING_BUSY_TIMEOUT_MS) instead of blocking the event loop.
 */
export function isDatabaseLocked(error: unknown): boolean {
  if (isLockError(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

let refusals = 0;
let lastRefusal: StorageUnavailableError | undefined;
/** Set while the group commit tries a work read-only because another connection holds the lock (group-commit.ts). */
let readingWhileLocked = false;

/**
 * Runs `work` as the group commit's read-only attempt while the database is locked: a write it tries is refused by
 * that attempt's own `query_only`, and is reported (and logged by the core) as what it is, a write meeting the lock,
 * not as a read-only database.
 */
export function whileLockedReadOnly<T>(work: () => T): T {
  readingWhileLocked = true;
  try {
    return work();
  } finally {
    readingWhileLocked = false;
  }
}

/**
 * How many storage refusals (locked, read-only, full …) this process has seen so far. The group commit compares it
 * before and after a work to learn that the work tried to write, even when the core turned the refusal into a reply.
 */
export function storageRefusals(): number {
  return refusals;
}

/**
 * The latest refusal, if any came after `before` (a storageRefusals() count): a write the core refused and answered
 * with a message rather than a throw, which a caller whose other writes must not stand without it re-throws.
 */
export function refusalSince(before: number): StorageUnavailableError | undefined {
  return refusals > before ? lastRefusal : undefined;
}

/** The storage error a user can be told about, with its SQLite code and a reason for the log. */
export class StorageUnavailableError extends TrellisError {
  constructor(
    readonly sqliteCode: string,
    readonly reason: string,
  ) {
    super('storage_unavailable', messageFor(sqliteCode), `${sqliteCode}: ${reason}`);
  }
}

/** Maps a locked, read-only or full database to StorageUnavailableError; anything else is returned unchanged. */
export function toStorageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const match = UNAVAILABLE.find((u) => code.startsWith(u.prefix));
  if (!match) return error;
  refusals += 1;
  if (readingWhileLocked && code.startsWith('SQLITE_READONLY')) {
    // The group commit queues this work as a write and runs it again once the lock is free.
    lastRefusal = new StorageUnavailableError('SQLITE_BUSY', 'the database is locked; the write waits for it');
    lastRefusal.willRetry = true;
  } else lastRefusal = new StorageUnavailableError(code, match.reason);
  return lastRefusal;
}

/**
 * Wraps a repository (and the repositories inside it) so storage failures reach the core as a TrellisError it can
 * answer with. A Proxy, so classes and plain objects alike keep every method and property.
 */
export function guardStorage<T extends object>(target: T): T {
  // Each guarded method or nested repository is made once and reused while the property holds the same value, not
  // rebuilt on every access (every repository call went through two fresh wrappers before).
  const made = new Map<PropertyKey, { value: unknown; guarded: unknown }>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      const known = made.get(property);
      if (known && known.value === value) return known.guarded;
      let guarded: unknown;
      if (typeof value === 'function') {
        guarded = (...args: unknown[]) => {
          try {
            return Reflect.apply(value, object, args);
          } catch (error) {
            throw toStorageError(error);
          }
        };
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        guarded = guardStorage(value);
      } else {
        return value;
      }
      made.set(property, { value, guarded });
      return guarded;
    },
  });
}
