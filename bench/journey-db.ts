/**
 * The database both credential-journey benchmarks (bench/journey.ts, bench/portfolio.ts) seed: a fresh SQLite file in
 * a temporary folder, the repositories (client codes sealed when `encrypted`), the core on a clock fixed at
 * 2026-11-24 12:00 UTC, and the bulk insert of one client session.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../src/catalog';
import { RUBRIC } from '../src/core/rubric';
import type { ClientSession } from '../src/core/sessions';
import { Trellis } from '../src/core/trellis';
import { createLogger } from '../src/log';
import { createRepositories, openDatabase } from '../src/store';
import { createTextCipher, plainTextCipher } from '../src/store/crypto';

/** The fields of a client session the benchmarks vary (the rest as `/selfcheck session` stores them). */
export type SessionRow = Pick<ClientSession, 'coachId' | 'date' | 'minutes' | 'paid' | 'participants' | 'clientCode'>;

export function journeyDatabase(name: string, encrypted: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `trellis-${name}-`));
  const db = openDatabase(path.join(dir, 'trellis.db'));
  const now = new Date('2026-11-24T12:00:00Z');
  const cipher = encrypted ? createTextCipher(randomBytes(32).toString('hex')) : plainTextCipher;
  const repos = createRepositories(db, () => now, cipher);
  const trellis = new Trellis({
    repos,
    catalog: loadCatalog(),
    clock: { now: () => now },
    log: createLogger('silent'),
    defaultTimeZone: 'UTC',
  });
  const insert = db.prepare(
    `INSERT INTO client_sessions (coach_id, session_date, minutes, paid, participants, client_code, rubric_version, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  /** Inserts one session as `/selfcheck session` stores it (client code sealed) and returns its id. */
  const addSession = (s: SessionRow): number =>
    Number(
      insert.run(
        s.coachId,
        s.date,
        s.minutes,
        s.paid ? 1 : 0,
        s.participants,
        cipher.seal(s.clientCode, 'client_sessions.client_code'),
        RUBRIC.version,
        now.toISOString(),
      ).lastInsertRowid,
    );
  return {
    db,
    now,
    today: '2026-11-24',
    cipher,
    repos,
    trellis,
    addSession,
    /** Closes the database and removes its folder. */
    remove: () => {
      if (db.open) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
