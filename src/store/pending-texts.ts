import type { PendingText, PendingTextRepository } from '../core/ports';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';

interface PendingTextRow {
  id: number;
  coach_id: number;
  text: string;
  prompt_issue_id: number | null;
  created_at: string;
}

/** The additional data bound into an encrypted pending text (see src/store/encryption.ts). */
const TEXT_FIELD = 'pending_texts.text';

/** Pending text is sealed by `cipher` on the way in and opened on the way out, like reflections. */
export function pendingTextRepository(db: Db, cipher: TextCipher = plainTextCipher): PendingTextRepository {
  const open = (row: PendingTextRow): PendingText => ({
    id: row.id,
    coachId: row.coach_id,
    text: cipher.open(row.text, TEXT_FIELD),
    promptIssueId: row.prompt_issue_id,
    createdAt: row.created_at,
  });
  const insert = db.prepare(
    `INSERT INTO pending_texts (coach_id, text, prompt_issue_id, created_at)
     VALUES (@coachId, @text, @promptIssueId, @createdAt)`,
  );
  const byId = db.prepare<[number], PendingTextRow>('SELECT * FROM pending_texts WHERE id = ?');
  const forCoach = db.prepare<[number], PendingTextRow>(
    'SELECT * FROM pending_texts WHERE coach_id = ? ORDER BY created_at, id',
  );
  const remove = db.prepare<[number]>('DELETE FROM pending_texts WHERE id = ?');

  return {
    add(text) {
      const result = insert.run({ ...text, text: cipher.seal(text.text, TEXT_FIELD) });
      return open(byId.get(Number(result.lastInsertRowid)) as PendingTextRow);
    },
    byId(id) {
      const row = byId.get(id);
      return row ? open(row) : undefined;
    },
    forCoach: (coachId) => forCoach.all(coachId).map(open),
    remove: (id) => remove.run(id).changes === 1,
  };
}
