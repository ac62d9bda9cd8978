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

/** The storage error a user can be told about, with its SQLite code and a reason for the log. */
export class StorageUnavailableError extends TrellisError {
  constructor(
    readonly sqliteCode: string,
    readonly reason: string,
  ) {
    super('storage_unavailable', STORAGE_UNAVAILABLE_MESSAGE, `${sqliteCode}: ${reason}`);
  }
}

/** Maps a locked, read-only or full database to StorageUnavailableError; anything else is returned unchanged. */
export function toStorageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const match = UNAVAILABLE.find((u) => code.startsWith(u.prefix));
  return match ? new StorageUnavailableError(code, match.reason) : error;
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
