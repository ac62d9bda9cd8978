import { BEHAVIOUR_KEYS, type Rating } from '../core/behaviours';
import type { Ratings, SelfCheck } from '../core/model';
import type { NewSelfCheck, SelfCheckRepository } from '../core/ports';
import { RUBRIC } from '../core/rubric';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';

type SelfCheckRow = {
  id: number;
  coach_id: number;
  checked_at: string;
  local_date: string;
  note: string | null;
  rubric_version: string;
} & Record<(typeof BEHAVIOUR_KEYS)[number], Rating | null>;

function toSelfCheck(row: SelfCheckRow, cipher: TextCipher = plainTextCipher): SelfCheck {
  const ratings: Ratings = {};
  for (const key of BEHAVIOUR_KEYS) {
    const value = row[key];
    if (value !== null) ratings[key] = value;
  }
  return {
    id: row.id,
    coachId: row.coach_id,
    checkedAt: row.checked_at,
    localDate: row.local_date,
    ratings,
    note: row.note === null ? null : cipher.open(row.note, NOTE_FIELD),
    rubricVersion: row.rubric_version,
  };
}

/** The additional data bound into an encrypted note (see src/store/encryption.ts). */
const NOTE_FIELD = 'self_checks.note';

/** A coach's latest checks, read from the index by coach and time (migration 28): nothing is sorted. */
export const RECENT_SQL = 'SELECT * FROM self_checks WHERE coach_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?';
/**
 * The check before a given one (what each new check-in is compared with): the same index walked from the newest,
 * the rowid in each index entry tested before any row is read, so one row is read.
 */
export const PREVIOUS_SQL =
  'SELECT * FROM self_checks WHERE coach_id = ? AND id < ? ORDER BY checked_at DESC, id DESC LIMIT 1';

/** Notes are sealed by `cipher` on the way in and opened on the way out (encryption at rest when a key is set). */
export function selfCheckRepository(db: Db, cipher: TextCipher = plainTextCipher): SelfCheckRepository {
  const open = (row: SelfCheckRow) => toSelfCheck(row, cipher);
  const insert = db.prepare(
    `INSERT INTO self_checks (coach_id, checked_at, local_date, ${BEHAVIOUR_KEYS.join(', ')}, note, request_key, rubric_version)
     VALUES (@coachId, @checkedAt, @localDate, ${BEHAVIOUR_KEYS.map((k) => `@${k}`).join(', ')}, @note, @requestKey, @rubricVersion)
     ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING`,
  );
  const byKey = db.prepare<[string], SelfCheckRow>('SELECT * FROM self_checks WHERE request_key = ?');
  const recent = db.prepare<[number, number], SelfCheckRow>(RECENT_SQL);
  const previous = db.prepare<[number, number], SelfCheckRow>(PREVIOUS_SQL);
  const between = db.prepare<[number, string, string], SelfCheckRow>(
    'SELECT * FROM self_checks WHERE coach_id = ? AND local_date BETWEEN ? AND ? ORDER BY checked_at, id',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM self_checks');
  const countFor = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM self_checks WHERE coach_id = ?');

  return {
    add(check: NewSelfCheck) {
      const values: Record<string, unknown> = {
        coachId: check.coachId,
        checkedAt: check.checkedAt,
        localDate: check.localDate,
        note: check.note === null ? null : cipher.seal(check.note, NOTE_FIELD),
        requestKey: check.requestKey ?? null,
        rubricVersion: check.rubricVersion ?? RUBRIC.version,
      };
      for (const key of BEHAVIOUR_KEYS) values[key] = check.ratings[key] ?? null;
      const result = insert.run(values);
      if (result.changes === 1) {
        // The new row is exactly what was inserted, so it is not read back.
        const ratings: Ratings = {};
        for (const key of BEHAVIOUR_KEYS) {
          const value = check.ratings[key];
          if (value !== undefined && value !== null) ratings[key] = value;
        }
        const created: SelfCheck = {
          id: Number(result.lastInsertRowid),
          coachId: check.coachId,
          checkedAt: check.checkedAt,
          localDate: check.localDate,
          ratings,
          note: check.note,
          rubricVersion: check.rubricVersion ?? RUBRIC.version,
        };
        return { check: created, created: true };
      }
      return { check: open(byKey.get(check.requestKey as string) as SelfCheckRow), created: false };
    },
    recent: (coachId, limit) => recent.all(coachId, limit).map(open),
    previous: (coachId, beforeId) => {
      const row = previous.get(coachId, beforeId);
      return row ? open(row) : undefined;
    },
    between: (coachId, from, to) => between.all(coachId, from, to).map(open),
    count: (coachId) =>
      coachId === undefined ? (countAll.get() as { n: number }).n : (countFor.get(coachId) as { n: number }).n,
  };
}
