import type { PromptIssue } from '../core/model';
import type { PromptIssueRepository } from '../core/ports';
import type { Db } from './db';

interface PromptIssueRow {
  id: number;
  coach_id: number;
  prompt_id: string;
  local_date: string;
  issued_at: string;
  status: PromptIssue['status'];
}

function toIssue(row: PromptIssueRow): PromptIssue {
  return {
    id: row.id,
    coachId: row.coach_id,
    promptId: row.prompt_id,
    localDate: row.local_date,
    issuedAt: row.issued_at,
    status: row.status,
  };
}

export function promptIssueRepository(db: Db): PromptIssueRepository {
  const insert = db.prepare(
    `INSERT INTO prompt_issues (coach_id, prompt_id, local_date, issued_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (coach_id, local_date) DO NOTHING`,
  );
  const forDate = db.prepare<[number, string], PromptIssueRow>(
    'SELECT * FROM prompt_issues WHERE coach_id = ? AND local_date = ?',
  );
  const byId = db.prepare<[number], PromptIssueRow>('SELECT * FROM prompt_issues WHERE id = ?');
  const latest = db.prepare<[number], PromptIssueRow>(
    'SELECT * FROM prompt_issues WHERE coach_id = ? ORDER BY local_date DESC, id DESC LIMIT 1',
  );
  const history = db.prepare<[number], { prompt_id: string }>(
    'SELECT prompt_id FROM prompt_issues WHERE coach_id = ? ORDER BY local_date, id',
  );
  const setStatus = db.prepare('UPDATE prompt_issues SET status = ? WHERE id = ?');

  return {
    issue(coachId, promptId, localDate, issuedAt) {
      insert.run(coachId, promptId, localDate, issuedAt);
      return toIssue(forDate.get(coachId, localDate) as PromptIssueRow);
    },
    forDate(coachId, localDate) {
      const row = forDate.get(coachId, localDate);
      return row ? toIssue(row) : undefined;
    },
    byId(id) {
      const row = byId.get(id);
      return row ? toIssue(row) : undefined;
    },
    latest(coachId) {
      const row = latest.get(coachId);
      return row ? toIssue(row) : undefined;
    },
    history: (coachId) => history.all(coachId).map((r) => r.prompt_id),
    setStatus(id, status) {
      setStatus.run(status, id);
    },
  };
}
