import Database from 'better-sqlite3';
import { loadCatalog } from '../../src/catalog';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { Trellis } from '../../src/core/trellis';
import { createLogger } from '../../src/log';
import { createRepositories, GroupCommit } from '../../src/store';
import { FixedClock } from '../helpers/clock';
import { useTempDatabase } from '../helpers/temp-database';

const ana: CoachRef = { platform: 'slack', tenant: 'T1', user: 'ana' };
const text = (reply: ReturnType<Trellis['handleText']>) =>
  reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;

/**
 * While another connection holds the write lock, the group commit tries each queued work read-only and answers the
 * ones that only read. The lock can be let go at any moment (the WAL checkpoint's RESTART holds it for milliseconds):
 * a write that then finds it free inside that read-only attempt must not be answered "saved" and rolled back. Here
 * the lock is let go exactly then: by the work itself, on its first run. (The soak lost one write this way in two of
 * three 10-minute runs: the attempt's `query_only` switch was a prepared pragma, which did nothing on its first run.)
 */
describe('the read-only attempt while the database is locked', () => {
  const temp = useTempDatabase({ serving: true });
  let other: Database.Database;
  let trellis: Trellis;
  let logLines: string[];
  const rows = (sql: string) => temp.db.prepare(sql).pluck().get() as number;

  beforeEach(() => {
    logLines = [];
    trellis = new Trellis({
      repos: createRepositories(temp.db, () => new Date('2026-11-24T09:00:00Z')),
      catalog: loadCatalog(),
      clock: new FixedClock('2026-11-24T09:00:00Z'),
      log: createLogger('warn', {}, (line) => logLines.push(line)),
      defaultTimeZone: 'UTC',
    });
    trellis.handleText(ana, '/selfcheck 4 4 4 4 4 4 first');
    other = new Database(temp.dbFile);
    other.pragma('busy_timeout = 5');
  });
  afterEach(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
  });

  /** A work that lets the other connection's lock go the first time it runs, then does what `then` does. */
  const releasingOnce = <T>(then: () => T) => {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        other.exec('COMMIT');
      }
      return then();
    };
  };

  it('stores a self-check whose write found the lock free during the read-only attempt', async () => {
    const commits = new GroupCommit(temp.db);
    other.exec('BEGIN IMMEDIATE');
    const reply = await commits.run(
      releasingOnce(() => trellis.handleText(ana, '/selfcheck 3 3 3 3 3 3 second', { requestKey: 'slack:command:T2' })),
    );
    expect(text(reply)).toMatch(/your self-check is saved/i);
    expect(rows("SELECT count(*) FROM self_checks WHERE request_key = 'slack:command:T2'")).toBe(1);
    expect(commits.stats.answeredWhileLocked).toBe(0);
    // The attempt's refusal is not a failure (the write ran again and was stored): nothing at warn, and nothing
    // that calls it a read-only database.
    expect(logLines.join('\n')).not.toMatch(/SQLITE_READONLY|read-only|could not store/);
  });

  it('stores a reflection (a new coach, as a prompt reply in the DM) whose write found the lock free', async () => {
    const commits = new GroupCommit(temp.db);
    other.exec('BEGIN IMMEDIATE');
    const bo: CoachRef = { platform: 'slack', tenant: 'T1', user: 'bo' };
    const reply = await commits.run(
      releasingOnce(() =>
        trellis.handleText(bo, 'I noticed the pause and waited for the client to go on.', {
          requestKey: 'slack:event:Ev1',
          channel: { id: 'D1', kind: 'direct' },
        }),
      ),
    );
    expect(text(reply)).toMatch(/Saved to your journal/);
    expect(rows("SELECT count(*) FROM reflections WHERE request_key = 'slack:event:Ev1'")).toBe(1);
  });

  it('still answers a read from the read-only attempt, and really read-only each time', async () => {
    const commits = new GroupCommit(temp.db);
    for (let round = 0; round < 3; round++) {
      other.exec('BEGIN IMMEDIATE');
      const reply = await commits.run(() => trellis.handleText(ana, 'history'));
      expect(text(reply)).toMatch(/Recent self-checks/);
      // The attempt switched query_only on and off again: a write on the connection now is allowed.
      expect(temp.db.pragma('query_only', { simple: true })).toBe(0);
      other.exec('COMMIT');
    }
    expect(commits.stats.answeredWhileLocked).toBe(3);
  });
});
