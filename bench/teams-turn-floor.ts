import path from 'node:path';
import Database from 'better-sqlite3';
import { startEchoBaseline } from '../src/platforms/teams/echo-baseline';

/**
 * The "floor" row of bench/teams-turn (not the target's baseline): the same bare echo bot, which first stores each
 * activity's id in a table of its own with one durable insert (its own COMMIT) through better-sqlite3 with Trellis's
 * pragmas (WAL, synchronous NORMAL; src/store/db.ts). What a turn that must write before it answers costs at least,
 * so the gap between the echo bot and Trellis can be split into the write the target requires and the rest.
 */
export async function startEchoFloor(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const db = new Database(path.join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE turns (id INTEGER PRIMARY KEY, activity_id TEXT NOT NULL, received_at TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO turns (activity_id, received_at) VALUES (?, ?)');
  const echo = await startEchoBaseline('127.0.0.1', (activityId) => {
    insert.run(activityId ?? '', new Date().toISOString());
  });
  return {
    url: echo.url,
    close: async () => {
      await echo.close();
      db.close();
    },
  };
}
