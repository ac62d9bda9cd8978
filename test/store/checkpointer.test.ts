import fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { createLogger } from '../../src/log';
import { createRepositories, openDatabase } from '../../src/store';
import { startBackgroundCheckpoints } from '../../src/store/checkpointer';
import { testSettings } from '../helpers/settings';
import { useTempDatabase } from '../helpers/temp-database';
import { waitFor } from '../helpers/wait-for';

const settings = testSettings({ promptDays: [1] });

/** WAL checkpoints in a worker thread, on a real SQLite file. */
describe('background checkpoints', () => {
  const temp = useTempDatabase();

  test('the server connection stops checkpointing; the worker copies the WAL into the file; stop restores it', async () => {
    const logLines: string[] = [];
    const checkpoints = startBackgroundCheckpoints(
      temp.db,
      createLogger('debug', {}, (l) => logLines.push(l)),
      {
        everyMs: 20,
      },
    );
    expect(temp.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const repos = createRepositories(temp.db);
    const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, settings);
    const before = fs.statSync(temp.dbFile).size;
    // Enough single-row commits for SQLite's own checkpoint (1,000 WAL pages) to have run several times.
    for (let i = 0; i < 3000; i++) {
      repos.selfChecks.add({
        coachId: coach.id,
        checkedAt: '2026-11-24T09:00:00.000Z',
        localDate: '2026-11-24',
        ratings: { context: 4 },
        note: null,
        requestKey: `k${i}`,
      });
    }
    await waitFor(
      () => checkpoints.runs > 0 && fs.statSync(temp.dbFile).size > before + 50_000,
      'the worker to copy the WAL into the database file',
      10_000,
    );
    await checkpoints.stop();
    expect(temp.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(logLines.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
    expect(repos.selfChecks.count()).toBe(3000);
  });

  test('under writes that never pause, the WAL starts over instead of growing without end', async () => {
    const restartAtFrames = 300;
    const checkpoints = startBackgroundCheckpoints(temp.db, createLogger('silent'), { everyMs: 10, restartAtFrames });
    const repos = createRepositories(temp.db);
    const coaches = Array.from({ length: 50 }, (_, i) =>
      repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: `U${i}` }, settings),
    );
    const wal = () => fs.statSync(temp.file('trellis.db-wal')).size;
    const write = temp.db.transaction((batch: number) => {
      for (let i = 0; i < 10; i++) {
        repos.selfChecks.add({
          coachId: coaches[(batch * 10 + i) % coaches.length].id,
          checkedAt: '2026-11-24T09:00:00.000Z',
          localDate: '2026-11-24',
          ratings: { context: 4, respect: 3 },
          note: null,
          requestKey: `k${batch}.${i}`,
        });
      }
    });
    // A batch every millisecond or so, about the pace of a busy server's group commit (tens of MB of WAL a
    // second), until the worker has restarted the WAL several times; the file never grows much past the restart
    // length. (Without restarts it grew past 600 MB in 15 s of bench/slack-ack.)
    let largest = 0;
    let batch = 0;
    const deadline = Date.now() + 20_000;
    while (checkpoints.restarts < 5 && Date.now() < deadline) {
      write(batch++);
      largest = Math.max(largest, wal());
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await checkpoints.stop();
    expect(checkpoints.restarts).toBeGreaterThanOrEqual(5);
    const pageSize = temp.db.pragma('page_size', { simple: true }) as number;
    expect(largest).toBeLessThan(restartAtFrames * (pageSize + 24) * 4);
    expect(repos.selfChecks.count()).toBe(batch * 10);
  });

  test('an in-memory database has no WAL: nothing is started', async () => {
    const memory = openDatabase(':memory:');
    const checkpoints = startBackgroundCheckpoints(memory, createLogger('silent'));
    expect(checkpoints.runs).toBe(0);
    await checkpoints.stop();
    memory.close();
  });
});
