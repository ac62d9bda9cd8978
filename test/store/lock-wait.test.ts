import { loadCatalog } from '../../src/catalog';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { Trellis } from '../../src/core/trellis';
import { createLogger } from '../../src/log';
import { createRepositories, type Db, GroupCommit, openDatabase } from '../../src/store';
import { STORAGE_BUSY_MESSAGE, STORAGE_READ_ONLY_MESSAGE, StorageUnavailableError } from '../../src/store/errors';
import { FixedClock } from '../helpers/clock';
import { holdLock, type LockHolder } from '../helpers/lock-holder';
import { useTempDatabase } from '../helpers/temp-database';

const ana: CoachRef = { platform: 'teams', tenant: 'T1', user: 'ana' };
const text = (reply: ReturnType<Trellis['handleText']>) =>
  reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;

/** The group commit with a serving connection (a few ms of busy timeout) while another process holds the lock. */
describe('GroupCommit while another process holds the lock', () => {
  const temp = useTempDatabase({ serving: true });
  let trellis: Trellis;
  let lock: LockHolder | undefined;
  const count = () => temp.db.prepare('SELECT count(*) FROM self_checks').pluck().get() as number;

  const coreOn = (database: Db) =>
    new Trellis({
      repos: createRepositories(database, () => new Date('2026-11-24T09:00:00Z')),
      catalog: loadCatalog(),
      clock: new FixedClock('2026-11-24T09:00:00Z'),
      log: createLogger('silent'),
      defaultTimeZone: 'UTC',
    });

  beforeEach(() => {
    trellis = coreOn(temp.db);
    trellis.handleText(ana, '/selfcheck 4 4 4 4 4 4 first');
  });
  afterEach(async () => {
    await lock?.release();
    lock = undefined;
  });

  it('keeps the event loop turning while writes wait, answers reads at once, and saves the writes in order', async () => {
    const commits = new GroupCommit(temp.db);
    lock = await holdLock(temp.dbFile);
    const settled: string[] = [];
    // handleText turns a refused write into a reply (as the Teams adapter calls it): the commit still sees it.
    const first = commits.run(() => trellis.handleText(ana, '/selfcheck 3 3 3 3 3 3 second'));
    const read = commits.run(() => trellis.handleText(ana, 'history'));
    const second = commits.run(() => trellis.handleText(ana, '/selfcheck 2 2 2 2 2 2 third'));
    for (const [name, p] of [
      ['first', first],
      ['read', read],
      ['second', second],
    ] as const)
      void p.then(() => settled.push(name));

    expect(text(await read)).toMatch(/Recent self-checks/);
    // Timers keep firing while the writes wait: the thread is not held by a busy timeout.
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        ticks += 1;
        if (ticks === 10) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    expect(lock.holding()).toBe(true);
    expect(settled).toEqual(['read']);
    expect(commits.pending).toBe(2);
    expect(count()).toBe(1);

    await lock.release();
    expect(text(await first)).toMatch(/saved/);
    expect(text(await second)).toMatch(/saved/);
    expect(settled).toEqual(['read', 'first', 'second']);
    const notes = temp.db.prepare('SELECT note FROM self_checks ORDER BY id').pluck().all();
    expect(notes).toEqual(['first', 'second', 'third']);
    expect(commits.stats.answeredWhileLocked).toBe(1);
  }, 20_000);

  it('refuses a write as busy once it has waited lockWaitMs, storing nothing', async () => {
    const commits = new GroupCommit(temp.db, { lockWaitMs: 200 });
    lock = await holdLock(temp.dbFile);
    const refused = commits.run(() => trellis.runCommand(ana, 'selfcheck', '1 1 1 1 1 1'));
    await expect(refused).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(refused).rejects.toThrow(STORAGE_BUSY_MESSAGE);
    expect(lock.holding()).toBe(true);
    await lock.release();
    expect(count()).toBe(1);
  }, 20_000);

  it('a read-only connection answers reads and refuses writes at once as read-only', async () => {
    temp.db.close();
    const readOnly = openDatabase(temp.dbFile, { readonly: true });
    try {
      trellis = coreOn(readOnly);
      const commits = new GroupCommit(readOnly);
      const read = commits.run(() => trellis.handleText(ana, 'history'));
      const write = commits.run(() => trellis.runCommand(ana, 'selfcheck', '1 1 1 1 1 1'));
      expect(text(await read)).toMatch(/Recent self-checks/);
      await expect(write).rejects.toThrow(STORAGE_READ_ONLY_MESSAGE);
      expect(commits.pending).toBe(0);
    } finally {
      readOnly.close();
    }
  });

  it('drain() at shutdown refuses what still waits for the lock, so nothing is left hanging', async () => {
    const commits = new GroupCommit(temp.db);
    lock = await holdLock(temp.dbFile);
    const waiting = commits.run(() => trellis.runCommand(ana, 'selfcheck', '1 1 1 1 1 1'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(commits.pending).toBe(1);
    commits.drain();
    await expect(waiting).rejects.toThrow(STORAGE_BUSY_MESSAGE);
    expect(commits.pending).toBe(0);
  }, 20_000);
});
