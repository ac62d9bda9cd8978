import { afterAll } from '@jest/globals';
import Database from 'better-sqlite3';

/**
 * Another connection in the test's own process that takes the database's write lock for a moment, as the WAL
 * checkpoint's RESTART does (lock-holder.ts holds it from another process until told). Call it before the hooks
 * that stop the app: after the file's tests it lets go and closes first.
 */
export function useLockMoment(dbFile: () => string) {
  let other: Database.Database | undefined;
  const letGo = () => {
    if (other?.open && other.inTransaction) other.exec('COMMIT');
  };
  afterAll(() => {
    letGo();
    if (other?.open) other.close();
  });
  return {
    /** Takes the write lock now (BEGIN IMMEDIATE) and lets it go `ms` later. */
    holdFor(ms: number): void {
      other = new Database(dbFile());
      other.exec('BEGIN IMMEDIATE');
      setTimeout(letGo, ms);
    },
    /** Whether the lock was taken at all (the test's trigger fired). */
    get taken(): boolean {
      return other !== undefined;
    },
  };
}
