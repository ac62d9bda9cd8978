import {
  createTextCipher,
  ENCRYPTED_PREFIX,
  EncryptionError,
  keyCheckMatches,
  keyCheckOf,
  parseKey,
  plainTextCipher,
  type TextCipher,
} from './crypto';
import type { Db } from './db';
import { checkpoint } from './privacy';

/**
 * Every column that holds free text a coach wrote. A new one (for example shared reflections) is added here and
 * read and written through the TextCipher in its repository; start-up, rotation and the tests cover it from then on.
 */
export const ENCRYPTED_FIELDS: readonly { table: string; column: string }[] = [
  { table: 'self_checks', column: 'note' },
  { table: 'reflections', column: 'text' },
  { table: 'coach_client_companies', column: 'company_text' },
  { table: 'pending_texts', column: 'text' },
  { table: 'client_sessions', column: 'client_code' },
  { table: 'session_marker_ratings', column: 'evidence' },
  { table: 'mentoring_logs', column: 'mentor_name' },
  { table: 'session_end_events', column: 'client_code' },
  { table: 'session_comments', column: 'comment' },
];

/**
 * Not free text, but secret, and sealed with the same key: each Slack workspace's installation (its bot token and
 * refresh token, src/store/slack-installations.ts). Start-up encryption and key rotation cover these too.
 */
export const SECRET_FIELDS: readonly { table: string; column: string }[] = [
  { table: 'slack_installations', column: 'installation' },
];

const SEALED_FIELDS = [...ENCRYPTED_FIELDS, ...SECRET_FIELDS];

/** The additional data bound into each encrypted value: the field it belongs to. */
export const fieldName = (table: string, column: string) => `${table}.${column}`;

const KEY_CHECK = 'encryption_key_check';
const KEY_ID = 'encryption_key_id';

function getMeta(db: Db, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

function countValues(db: Db, encrypted: boolean): number {
  let n = 0;
  for (const { table, column } of SEALED_FIELDS) {
    const where = `${column} IS NOT NULL AND ${column} ${encrypted ? '' : 'NOT '}LIKE '${ENCRYPTED_PREFIX}%'`;
    n += (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  }
  return n;
}

/**
 * Rewrites stored free-text values: `from` opens each, `to` seals it. `plainOnly` picks the values not yet
 * encrypted. Call inside a transaction.
 */
function rewriteAll(db: Db, from: TextCipher, to: TextCipher, plainOnly = false): number {
  let rewritten = 0;
  for (const { table, column } of SEALED_FIELDS) {
    const field = fieldName(table, column);
    const page = db.prepare<[number], { id: number; value: string }>(
      `SELECT id, ${column} AS value FROM ${table} WHERE id > ? AND ${column} IS NOT NULL
       ${plainOnly ? `AND ${column} NOT LIKE '${ENCRYPTED_PREFIX}%'` : ''} ORDER BY id LIMIT 500`,
    );
    const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE id = ?`);
    let after = 0;
    for (let rows = page.all(after); rows.length > 0; rows = page.all(after)) {
      for (const row of rows) {
        const sealed = to.seal(from.open(row.value, field), field);
        if (sealed !== row.value) {
          update.run(sealed, row.id);
          rewritten++;
        }
      }
      after = rows[rows.length - 1].id;
    }
  }
  return rewritten;
}

export interface EncryptionStatus {
  /** The key's fingerprint, or null when text is stored unencrypted. */
  keyId: string | null;
  /** Values that were stored as plain text and were encrypted at this start. */
  encryptedNow: number;
}

/**
 * Checks the configured key against the database before anything is written, and encrypts text that was stored
 * before encryption was turned on (one transaction). Throws EncryptionError, changing nothing, when the key is
 * wrong or missing.
 */
export function prepareEncryption(db: Db, keyText: string | undefined, at: Date): EncryptionStatus {
  const storedCheck = getMeta(db, KEY_CHECK);
  const storedId = getMeta(db, KEY_ID);
  if (!keyText) {
    if (storedCheck || countValues(db, true) > 0) {
      throw new EncryptionError(
        `This database holds encrypted notes (key ${storedId ?? 'unknown'}), and TRELLIS_ENCRYPTION_KEY is not set. Start Trellis with the key it was encrypted with; nothing was changed.`,
      );
    }
    return { keyId: null, encryptedNow: 0 };
  }
  const key = parseKey(keyText);
  const cipher = createTextCipher(keyText);
  if (storedCheck && !keyCheckMatches(key, storedCheck)) {
    throw new EncryptionError(
      `TRELLIS_ENCRYPTION_KEY is not the key this database was encrypted with (configured key ${cipher.keyId}, database key ${storedId ?? 'unknown'}). Nothing was changed. Set the right key; to change keys use "npm run cli -- rotate-key".`,
    );
  }
  // Opened for reading only (a read-only or full disk): the key was checked; encrypting waits for a writable start.
  if (db.readonly) return { keyId: cipher.keyId, encryptedNow: 0 };
  const encryptedNow = db
    .transaction(() => {
      const n = rewriteAll(db, plainTextCipher, cipher, true);
      if (!storedCheck) {
        setMeta(db, KEY_CHECK, keyCheckOf(key));
        setMeta(db, KEY_ID, cipher.keyId as string);
      }
      if (n > 0) recordKeyEvent(db, 'encrypt', at, { values: n, keyId: cipher.keyId });
      return n;
    })
    .immediate();
  // The plain text was overwritten in place (secure_delete); move the WAL's copies into the file and empty it.
  if (encryptedNow > 0) checkpoint(db);
  return { keyId: cipher.keyId, encryptedNow };
}

/**
 * Re-encrypts every free-text value under `newKeyText` in one transaction, and replaces the key check.
 * `oldKeyText` undefined means the database is not yet encrypted. Returns how many values were rewritten.
 */
export function rotateKey(db: Db, oldKeyText: string | undefined, newKeyText: string, at: Date): number {
  const from = oldKeyText ? createTextCipher(oldKeyText) : plainTextCipher;
  const to = createTextCipher(newKeyText);
  if (from.keyId === to.keyId) throw new EncryptionError('The new key is the key already in use; nothing was changed.');
  const release = holdAlone(db);
  try {
    const n = db
      .transaction(() => {
        const count = rewriteAll(db, from, to);
        setMeta(db, KEY_CHECK, keyCheckOf(parseKey(newKeyText)));
        setMeta(db, KEY_ID, to.keyId as string);
        recordKeyEvent(db, 'rotate_key', at, { values: count, from: from.keyId, to: to.keyId });
        return count;
      })
      .immediate();
    checkpoint(db);
    return n;
  } finally {
    release();
  }
}

/**
 * Takes the database for this connection alone, or refuses: a Trellis still running on the old key would go on
 * writing under it after the rotation. In WAL mode, exclusive locking mode cannot be had while any other
 * connection has the file open, even an idle one. Returns the release.
 */
function holdAlone(db: Db): () => void {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 250');
  db.pragma('locking_mode = EXCLUSIVE');
  const release = () => {
    db.pragma('locking_mode = NORMAL');
    db.prepare('SELECT count(*) FROM meta').get(); // the next access drops the exclusive lock
    db.pragma(`busy_timeout = ${timeout}`);
  };
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    release();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new EncryptionError(
        'Another process has the database open (is Trellis still running?). Stop it, then rotate the key; nothing was changed.',
      );
    }
    throw error;
  }
  return release;
}

function recordKeyEvent(db: Db, action: 'encrypt' | 'rotate_key', at: Date, ids: Record<string, unknown>): void {
  db.prepare('INSERT INTO audit_log (at, coach_id, action, actor, object_ids) VALUES (?, NULL, ?, ?, ?)').run(
    at.toISOString(),
    action,
    'admin',
    JSON.stringify(ids),
  );
}
