/**
 * The floor for bench/slack-ack.ts: the tuned bare Bolt app (bench/slack-ack-bare.ts, BARE_TUNED=1) that also makes
 * the one durable write issue #18 requires of Trellis. Not a baseline any target is judged against: it shows what the
 * rule "ack only after the write is durable, one row per acknowledged command" costs on this machine by itself.
 *
 * Bolt's default HTTPReceiver checks the signature as it does for the bare app. The listener queues one row (team,
 * user, trigger id, text, time) for a table of its own, `acks`, with the trigger id unique (a retry stores nothing
 * twice, as Trellis's request key); all rows queued in one turn of the event loop are inserted in one transaction
 * at the next check phase (setImmediate), and each command is acked only after that COMMIT has returned.
 * better-sqlite3 with Trellis's pragmas: WAL, synchronous NORMAL, the serving busy timeout.
 * Prints `READY <port>` once listening on 127.0.0.1. Env: SLACK_SIGNING_SECRET, SLACK_API_URL, FLOOR_DB (the file).
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import Database from 'better-sqlite3';
import { SERVING_BUSY_TIMEOUT_MS } from '../src/store/db';

const file = process.env.FLOOR_DB;
if (!file) throw new Error('FLOOR_DB must name the SQLite file');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma(`busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`);
db.exec(`CREATE TABLE IF NOT EXISTS acks (
  id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, trigger_id TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL, received_at TEXT NOT NULL)`);
const insert = db.prepare(
  'INSERT INTO acks (team_id, user_id, trigger_id, text, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
);

type Row = [string, string, string, string, string];
let queue: { row: Row; done: (error?: unknown) => void }[] = [];
/** One transaction per event-loop turn: everything queued since the last flush, then every waiter told. */
const writeAll = db.transaction((rows: Row[]) => {
  for (const row of rows) insert.run(...row);
});
function flush() {
  const batch = queue;
  queue = [];
  let failed: unknown;
  try {
    writeAll.immediate(batch.map((q) => q.row));
  } catch (error) {
    failed = error;
  }
  for (const q of batch) q.done(failed);
}
function store(row: Row): Promise<void> {
  if (queue.length === 0) setImmediate(flush);
  return new Promise((resolve, reject) => {
    queue.push({ row, done: (error) => (error === undefined ? resolve() : reject(error)) });
  });
}

async function main() {
  const app = new App({
    token: 'xoxb-bench',
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
    logLevel: LogLevel.ERROR,
    convoStore: false,
    ignoreSelf: false,
  });
  app.command('/selfcheck', async ({ ack, command }) => {
    await store([command.team_id, command.user_id, command.trigger_id, command.text, new Date().toISOString()]);
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  process.on(
    'SIGTERM',
    () =>
      void app.stop().finally(() => {
        db.close();
        process.exit(0);
      }),
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
