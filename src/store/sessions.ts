import type { ClientSession, JourneyRepository, MarkerRating, MentoringLog, SessionEndEvent } from '../core/sessions';
import { DEFAULT_AFTER_SESSION_MINUTES } from '../core/sessions';
import { RecentMap } from '../recent-map';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';

interface SessionRow {
  id: number;
  coach_id: number;
  session_date: string;
  minutes: number;
  paid: number;
  participants: number;
  client_code: string;
  rubric_version: string;
  question_prompt_id: string | null;
  created_at: string;
}
interface RatingRow {
  session_id: number;
  marker: MarkerRating['marker'];
  observed: MarkerRating['observed'];
  evidence: string | null;
}
interface MentoringRow {
  id: number;
  coach_id: number;
  session_date: string;
  minutes: number;
  group_size: number;
  mentor_name: string | null;
  created_at: string;
}
interface EventRow {
  id: number;
  coach_id: number;
  ended_at: string;
  minutes: number | null;
  client_code: string | null;
}

/** The additional data bound into each sealed value (see src/store/encryption.ts). */
const CODE_FIELD = 'client_sessions.client_code';
const EVIDENCE_FIELD = 'session_marker_ratings.evidence';
const MENTOR_FIELD = 'mentoring_logs.mentor_name';
const EVENT_CODE_FIELD = 'session_end_events.client_code';

/** Client codes count as one client whatever their case or spacing ("c17", "C 17"). */
export const normaliseClientCode = (code: string) => code.replace(/\s+/g, '').toLowerCase();

/** Client codes, evidence lines and mentors' names are sealed by `cipher` like notes. */
/** Coaches whose last written email a process remembers; one let go costs one no-op upsert when next seen. */
export const EMAILS_REMEMBERED = 10_000;

export function journeyRepository(db: Db, cipher: TextCipher = plainTextCipher): JourneyRepository {
  const insertSession = db.prepare(
    `INSERT INTO client_sessions (coach_id, session_date, minutes, paid, participants, client_code, rubric_version,
       question_prompt_id, created_at, request_key)
     VALUES (@coachId, @date, @minutes, @paid, @participants, @clientCode, @rubricVersion, @questionPromptId,
       @createdAt, @requestKey)
     ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING`,
  );
  const sessionByKey = db.prepare<[string], SessionRow>('SELECT * FROM client_sessions WHERE request_key = ?');
  const insertRating = db.prepare(
    `INSERT INTO session_marker_ratings (session_id, rater, marker, observed, evidence, rubric_version, rated_at)
     VALUES (@sessionId, 'self', @marker, @observed, @evidence, @rubricVersion, @ratedAt)`,
  );
  const sessionById = db.prepare<[number, number], SessionRow>(
    'SELECT * FROM client_sessions WHERE coach_id = ? AND id = ?',
  );
  const sessionsOf = db.prepare<[number], SessionRow>(
    'SELECT * FROM client_sessions WHERE coach_id = ? ORDER BY session_date, id',
  );
  const ratingsOf = db.prepare<[number], RatingRow>(
    `SELECT session_id, marker, observed, evidence FROM session_marker_ratings
      WHERE session_id = ? AND rater = 'self' ORDER BY marker`,
  );
  const ratingsOfCoach = db.prepare<[number], RatingRow>(
    `SELECT r.session_id, r.marker, r.observed, r.evidence FROM session_marker_ratings r
       JOIN client_sessions s ON s.id = r.session_id
      WHERE s.coach_id = ? AND r.rater = 'self' ORDER BY r.session_id, r.marker`,
  );
  const totals = db.prepare<
    [string, number],
    { sessions: number; minutes: number | null; paid: number | null; recent: number | null }
  >(
    `SELECT count(*) AS sessions, sum(minutes) AS minutes, sum(minutes * paid) AS paid,
            sum(CASE WHEN session_date >= ? THEN minutes ELSE 0 END) AS recent
       FROM client_sessions WHERE coach_id = ?`,
  );
  const codes = db.prepare<[number], { client_code: string }>(
    'SELECT DISTINCT client_code FROM client_sessions WHERE coach_id = ?',
  );
  const insertMentoring = db.prepare(
    `INSERT INTO mentoring_logs (coach_id, session_date, minutes, group_size, mentor_name, created_at, request_key)
     VALUES (@coachId, @date, @minutes, @groupSize, @mentorName, @createdAt, @requestKey)
     ON CONFLICT (request_key) WHERE request_key IS NOT NULL DO NOTHING`,
  );
  const mentoringByKey = db.prepare<[string], MentoringRow>('SELECT * FROM mentoring_logs WHERE request_key = ?');
  const mentoringById = db.prepare<[number], MentoringRow>('SELECT * FROM mentoring_logs WHERE id = ?');
  const mentoringOf = db.prepare<[number], MentoringRow>(
    'SELECT * FROM mentoring_logs WHERE coach_id = ? ORDER BY session_date, id',
  );
  const insertEvent = db.prepare(
    `INSERT INTO session_end_events (coach_id, dedupe_key, ended_at, minutes, client_code, received_at)
     VALUES (@coachId, @dedupeKey, @endedAt, @minutes, @clientCode, @receivedAt)
     ON CONFLICT (coach_id, dedupe_key) DO NOTHING`,
  );
  const eventByKey = db.prepare<[number, string], EventRow>(
    'SELECT * FROM session_end_events WHERE coach_id = ? AND dedupe_key = ?',
  );
  const eventById = db.prepare<[number], EventRow>('SELECT * FROM session_end_events WHERE id = ?');
  const eventsOf = db.prepare<[number], EventRow>('SELECT * FROM session_end_events WHERE coach_id = ? ORDER BY id');
  const afterSession = db.prepare<[number], { after_session_minutes: number | null }>(
    'SELECT after_session_minutes FROM journey_settings WHERE coach_id = ?',
  );
  const setAfterSession = db.prepare(
    `INSERT INTO journey_settings (coach_id, after_session_minutes) VALUES (?, ?)
     ON CONFLICT (coach_id) DO UPDATE SET after_session_minutes = excluded.after_session_minutes`,
  );
  const upsertEmail = db.prepare(
    `INSERT INTO coach_emails (coach_id, email) VALUES (?, ?)
     ON CONFLICT (coach_id) DO UPDATE SET email = excluded.email WHERE email <> excluded.email`,
  );
  const emailOf = db.prepare<[number], { email: string }>('SELECT email FROM coach_emails WHERE coach_id = ?');
  const byEmail = db.prepare<[string], { coach_id: number }>(
    'SELECT coach_id FROM coach_emails WHERE email = ? ORDER BY coach_id',
  );
  // The email last written per coach in this process: the common case (unchanged) writes nothing. Bounded, the most
  // recently used kept: one entry per coach for the process's life grew with every new coach (bench:soak, issue 18).
  const emailsWritten = new RecentMap<number, string>(EMAILS_REMEMBERED);

  const openRating = (r: RatingRow): MarkerRating => ({
    marker: r.marker,
    observed: r.observed,
    evidence: r.evidence === null ? null : cipher.open(r.evidence, EVIDENCE_FIELD),
  });
  const openSession = (row: SessionRow, ratings: MarkerRating[]): ClientSession => ({
    id: row.id,
    coachId: row.coach_id,
    date: row.session_date,
    minutes: row.minutes,
    paid: row.paid === 1,
    participants: row.participants,
    clientCode: cipher.open(row.client_code, CODE_FIELD),
    rubricVersion: row.rubric_version,
    questionPromptId: row.question_prompt_id,
    createdAt: row.created_at,
    ratings,
  });
  const openMentoring = (row: MentoringRow): MentoringLog => ({
    id: row.id,
    coachId: row.coach_id,
    date: row.session_date,
    minutes: row.minutes,
    groupSize: row.group_size,
    mentorName: row.mentor_name === null ? null : cipher.open(row.mentor_name, MENTOR_FIELD),
    createdAt: row.created_at,
  });
  const openEvent = (row: EventRow): SessionEndEvent => ({
    id: row.id,
    coachId: row.coach_id,
    endedAt: row.ended_at,
    minutes: row.minutes,
    clientCode: row.client_code === null ? null : cipher.open(row.client_code, EVENT_CODE_FIELD),
  });

  return {
    addSession(session, ratings) {
      const result = insertSession.run({
        ...session,
        paid: session.paid ? 1 : 0,
        clientCode: cipher.seal(session.clientCode, CODE_FIELD),
        requestKey: session.requestKey ?? null,
      });
      if (result.changes === 0) {
        const row = sessionByKey.get(session.requestKey as string) as SessionRow;
        return { session: openSession(row, ratingsOf.all(row.id).map(openRating)), created: false };
      }
      const id = Number(result.lastInsertRowid);
      for (const r of ratings) {
        insertRating.run({
          sessionId: id,
          marker: r.marker,
          observed: r.observed,
          evidence: r.evidence === null ? null : cipher.seal(r.evidence, EVIDENCE_FIELD),
          rubricVersion: session.rubricVersion,
          ratedAt: session.createdAt,
        });
      }
      const { requestKey: _key, ...stored } = session;
      return { session: { ...stored, id, ratings: [...ratings] }, created: true };
    },
    session(coachId, id) {
      const row = sessionById.get(coachId, id);
      return row ? openSession(row, ratingsOf.all(row.id).map(openRating)) : undefined;
    },
    sessions(coachId) {
      const byId = new Map<number, MarkerRating[]>();
      for (const r of ratingsOfCoach.all(coachId)) {
        const list = byId.get(r.session_id) ?? [];
        list.push(openRating(r));
        byId.set(r.session_id, list);
      }
      return sessionsOf.all(coachId).map((row) => openSession(row, byId.get(row.id) ?? []));
    },
    totals(coachId, recentFrom) {
      const sums = totals.get(recentFrom, coachId) as {
        sessions: number;
        minutes: number | null;
        paid: number | null;
        recent: number | null;
      };
      const clients = new Set(
        codes.all(coachId).map((r) => normaliseClientCode(cipher.open(r.client_code, CODE_FIELD))),
      );
      return {
        sessions: sums.sessions,
        minutes: sums.minutes ?? 0,
        paidMinutes: sums.paid ?? 0,
        recentMinutes: sums.recent ?? 0,
        clients: clients.size,
      };
    },
    addMentoring(log) {
      const result = insertMentoring.run({
        ...log,
        mentorName: log.mentorName === null ? null : cipher.seal(log.mentorName, MENTOR_FIELD),
        requestKey: log.requestKey ?? null,
      });
      if (result.changes === 0) {
        return { log: openMentoring(mentoringByKey.get(log.requestKey as string) as MentoringRow), created: false };
      }
      return { log: openMentoring(mentoringById.get(Number(result.lastInsertRowid)) as MentoringRow), created: true };
    },
    mentoring: (coachId) => mentoringOf.all(coachId).map(openMentoring),
    recordEndEvent(event) {
      const result = insertEvent.run({
        ...event,
        clientCode: event.clientCode === null ? null : cipher.seal(event.clientCode, EVENT_CODE_FIELD),
      });
      const row = eventByKey.get(event.coachId, event.dedupeKey) as EventRow;
      return { event: openEvent(row), created: result.changes === 1 };
    },
    endEvent(id) {
      const row = eventById.get(id);
      return row ? openEvent(row) : undefined;
    },
    endEvents: (coachId) => eventsOf.all(coachId).map(openEvent),
    afterSessionMinutes(coachId) {
      const row = afterSession.get(coachId);
      return row ? row.after_session_minutes : DEFAULT_AFTER_SESSION_MINUTES;
    },
    setAfterSessionMinutes(coachId, minutes) {
      setAfterSession.run(coachId, minutes);
    },
    rememberEmail(coachId, email) {
      const normal = email.trim().toLowerCase();
      if (emailsWritten.get(coachId) !== normal) upsertEmail.run(coachId, normal);
      emailsWritten.set(coachId, normal);
    },
    coachesByEmail: (email) => byEmail.all(email.trim().toLowerCase()).map((r) => r.coach_id),
    email: (coachId) => emailOf.get(coachId)?.email,
  };
}
