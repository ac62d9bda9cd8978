import type { MentorRepository } from '../core/mentor-model';
import type {
  AuditEntry,
  ClientCompanyRepository,
  CoachData,
  CoachRepository,
  GroupRepository,
  PendingTextRepository,
  PrivacyRepository,
  PromptIssueRepository,
  ReflectionRepository,
  SelfCheckRepository,
  SharedReflectionRepository,
} from '../core/ports';
import type { JourneyRepository } from '../core/sessions';
import type { Db } from './db';

/**
 * Copies the WAL into the database file and empties it. With secure_delete on, deleted and overwritten text is
 * zeroed in the file; this makes sure the WAL does not keep an older copy of those pages around.
 */
export function checkpoint(db: Db, attempt = 0): void {
  if (db.memory) return;
  // Inside a caller's transaction (a group commit, src/store/group-commit.ts) SQLite refuses to checkpoint; that
  // transaction commits before the event loop turns, so the checkpoint runs right after it.
  if (db.inTransaction) {
    setImmediate(() => {
      if (db.open) checkpoint(db, attempt);
    });
    return;
  }
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  // Busy: the background checkpointer (src/store/checkpointer.ts) holds the checkpoint lock for a moment; retry.
  if (result?.busy && attempt < 40) {
    setTimeout(() => {
      if (db.open) checkpoint(db, attempt + 1);
    }, 25).unref();
  }
}

interface AuditRow {
  at: string;
  coach_id: number | null;
  action: AuditEntry['action'];
  actor: string;
  object_ids: string;
}

/** Every table's row count: a deletion reports what it removed wherever the foreign keys reached. */
function tableCounts(db: Db): Map<string, number> {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  return new Map(
    tables.map(({ name }) => [
      name,
      (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n,
    ]),
  );
}

export function privacyRepository(
  db: Db,
  repos: {
    coaches: CoachRepository;
    selfChecks: SelfCheckRepository;
    reflections: ReflectionRepository;
    promptIssues: PromptIssueRepository;
    groups?: GroupRepository;
    sharedReflections?: SharedReflectionRepository;
    clientCompanies?: ClientCompanyRepository;
    pendingTexts?: PendingTextRepository;
    journey?: JourneyRepository;
    mentors?: MentorRepository;
  },
): PrivacyRepository {
  const pendingOf = (coachId: number) => {
    const pending = repos.pendingTexts?.forCoach(coachId) ?? [];
    return pending.length ? { pendingTexts: pending } : {};
  };
  const journeyOf = (coachId: number): Pick<CoachData, 'credentialJourney'> => {
    const { journey } = repos;
    if (!journey) return {};
    const found = {
      sessions: journey.sessions(coachId),
      mentoring: journey.mentoring(coachId),
      sessionEndEvents: journey.endEvents(coachId),
    };
    const any = found.sessions.length + found.mentoring.length + found.sessionEndEvents.length > 0;
    return any ? { credentialJourney: found } : {};
  };
  const mentorsOf = (coachId: number): Pick<CoachData, 'mentorCoaching'> => {
    const found = repos.mentors?.exportFor(coachId);
    return found ? { mentorCoaching: found } : {};
  };
  // The reflections ticked for the portfolio (migration 27): ids only.
  const picks = db.prepare<[number], number>(
    'SELECT reflection_id FROM portfolio_picks WHERE coach_id = ? ORDER BY reflection_id',
  );
  const picksOf = (coachId: number): Pick<CoachData, 'portfolioPicks'> => {
    const ids = picks.pluck().all(coachId) as number[];
    return ids.length ? { portfolioPicks: ids } : {};
  };
  const issues = db.prepare<[number], { id: number }>('SELECT id FROM prompt_issues WHERE coach_id = ? ORDER BY id');
  const deleteCoach = db.prepare('DELETE FROM coaches WHERE id = ?');
  // A Teams personal conversation reference holds the coach's name and is keyed by user, not by coach row.
  const deleteReference = db.prepare(
    `DELETE FROM conversation_references WHERE scope = 'personal'
       AND (platform, tenant, key) = (SELECT platform, tenant, user_id FROM coaches WHERE id = ?)`,
  );
  const purgeNotes = db.prepare('UPDATE self_checks SET note = NULL WHERE note IS NOT NULL AND checked_at < ?');
  const purgeReflections = db.prepare('DELETE FROM reflections WHERE created_at < ?');
  const insertAudit = db.prepare(
    'INSERT INTO audit_log (at, coach_id, action, actor, object_ids) VALUES (@at, @coachId, @action, @actor, @objectIds)',
  );
  const auditFor = db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE coach_id = ? ORDER BY at, id');
  const everyRow = Number.MAX_SAFE_INTEGER;

  // Groups joined, reflections shared, client companies listed: part of the coach's data too (see weekly digests).
  const peerSupervisionOf = (coachId: number): CoachData['peerSupervision'] => {
    const { groups, sharedReflections, clientCompanies } = repos;
    if (!groups || !sharedReflections || !clientCompanies) return undefined;
    return {
      groups: groups.groupsOf(coachId).map((g) => ({ channelId: g.channelId, name: g.name })),
      sharedReflections: repos.reflections
        .recent(coachId, everyRow)
        .map((r) => ({ reflectionId: r.id, groupIds: sharedReflections.groupsSharedWith(r.id) }))
        .filter((r) => r.groupIds.length > 0)
        .sort((a, b) => a.reflectionId - b.reflectionId),
      clientCompanies: clientCompanies.list(coachId),
    };
  };

  return {
    coachData(coachId): CoachData | undefined {
      // One read transaction: the export is a consistent snapshot even while the coach writes.
      return db.transaction(() => {
        const coach = repos.coaches.byId(coachId);
        if (!coach) return undefined;
        const oldestFirst = <T extends { id: number }>(list: T[]) => list.sort((a, b) => a.id - b.id);
        return {
          coach,
          selfChecks: oldestFirst(repos.selfChecks.recent(coachId, everyRow)),
          reflections: oldestFirst(repos.reflections.recent(coachId, everyRow)),
          promptIssues: issues
            .all(coachId)
            .map((r) => repos.promptIssues.byId(r.id))
            .filter((i) => i !== undefined),
          peerSupervision: peerSupervisionOf(coachId),
          ...pendingOf(coachId),
          ...journeyOf(coachId),
          ...mentorsOf(coachId),
          ...picksOf(coachId),
        };
      })();
    },
    deleteCoach(coachId, audit) {
      const removed = db
        .transaction(() => {
          const before = tableCounts(db);
          deleteReference.run(coachId);
          if (deleteCoach.run(coachId).changes === 0) return undefined;
          const after = tableCounts(db);
          const counts: Record<string, number> = {};
          for (const [table, n] of before) if (n !== after.get(table)) counts[table] = n - (after.get(table) ?? 0);
          insertAudit.run({ ...audit, coachId, action: 'delete', objectIds: JSON.stringify(counts) });
          return counts;
        })
        .immediate();
      if (removed) checkpoint(db);
      return removed;
    },
    purgeTextBefore(cutoff, audit) {
      const result = db
        .transaction(() => {
          const purged = { notes: purgeNotes.run(cutoff).changes, reflections: purgeReflections.run(cutoff).changes };
          if (purged.notes + purged.reflections > 0) {
            const objectIds = JSON.stringify({ ...purged, cutoff });
            insertAudit.run({ ...audit, coachId: null, action: 'purge', objectIds });
          }
          return purged;
        })
        .immediate();
      if (result.notes + result.reflections > 0) checkpoint(db);
      return result;
    },
    audit(entry) {
      insertAudit.run({ ...entry, objectIds: JSON.stringify(entry.objectIds) });
    },
    auditFor: (coachId) =>
      auditFor.all(coachId).map((r) => ({
        at: r.at,
        coachId: r.coach_id,
        action: r.action,
        actor: r.actor,
        objectIds: JSON.parse(r.object_ids) as AuditEntry['objectIds'],
      })),
  };
}
