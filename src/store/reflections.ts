import type { Reflection } from '../core/model';
import type { NewReflection, ReflectionRepository } from '../core/ports';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';

interface ReflectionRow {
  id: number;
  coach_id: number;
  prompt_issue_id: number | null;
  prompt_id: string | null;
  text: string;
  created_at: string;
  local_date: string;
}

function toReflection(row: ReflectionRow, cipher: TextCipher = plainTextCipher): Reflection {
  return {
    id: row.id,
    coachId: row.coach_id,
    promptIssueId: row.prompt_issue_id,
    promptId: row.prompt_id,
    text: cipher.open(row.text, TEXT_FIELD),
    createdAt: row.created_at,
    localDate: row.local_date,
  };
}

/** The additional data bound into an encrypted reflection (see src/store/encryption.ts). */
const TEXT_FIELD = 'reflections.text';

/** Reflection text is sealed by `cipher` on the way in and opened on the way out. */
export function reflectionRepository(db: Db, cipher: TextCipher = plainTextCipher): ReflectionRepository {
  const open = (row: ReflectionRow) => toReflection(row, cipher);
  const insert = db.prepare(
    `INSERT INTO reflections (coach_id, prompt_issue_id, prompt_id, text, created_at, local_date, request_key)
     VALUES (@coachId, @promptIssueId, @promptId, @text, @createdAt, @localDate, @requestKey)
     ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING`,
  );
  const byId = db.prepare<[number], ReflectionRow>('SELECT * FROM reflections WHERE id = ?');
  const byKey = db.prepare<[string], ReflectionRow>('SELECT * FROM reflections WHERE request_key = ?');
  const recent = db.prepare<[number, number], ReflectionRow>(
    'SELECT * FROM reflections WHERE coach_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
  );
  const between = db.prepare<[number, string, string], ReflectionRow>(
    'SELECT * FROM reflections WHERE coach_id = ? AND local_date BETWEEN ? AND ? ORDER BY created_at, id',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM reflections');
  const countFor = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM reflections WHERE coach_id = ?');

  return {
    add(reflection: NewReflection) {
      const result = insert.run({
        ...reflection,
        text: cipher.seal(reflection.text, TEXT_FIELD),
        requestKey: reflection.requestKey ?? null,
      });
      if (result.changes === 1) {
        return { reflection: open(byId.get(Number(result.lastInsertRowid)) as ReflectionRow), created: true };
      }
      return { reflection: open(byKey.get(reflection.requestKey as string) as ReflectionRow), created: false };
    },
    recent: (coachId, limit) => recent.all(coachId, limit).map(open),
    between: (coachId, from, to) => between.all(coachId, from, to).map(open),
    count: (coachId) =>
      coachId === undefined ? (countAll.get() as { n: number }).n : (countFor.get(coachId) as { n: number }).n,
    byId(id) {
      const row = byId.get(id);
      return row ? open(row) : undefined;
    },
  };
}
