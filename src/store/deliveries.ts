import type { Platform } from '../core/model';
import type { Db } from './db';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * Where a send stands inside its claim (migration 12): nothing sent yet, the text's call in flight, the text
 * posted (the chart next), the chart's upload in flight. null on rows from before stages were recorded.
 */
export type DeliveryStage = 'claimed' | 'posting' | 'posted' | 'uploading';

/** One row of the outbox. */
export interface Delivery {
  id: number;
  /** "coach:<id>" or "channel:<tenant>:<channel id>". */
  recipient: string;
  coachId: number | null;
  platform: Platform;
  kind: string;
  localDate: string;
  dueAt: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  /** A previous claim was abandoned mid-send: the platform may already have the message. */
  uncertain: boolean;
  claimToken: string | null;
  messageId: string | null;
  error: string | null;
  stage: DeliveryStage | null;
  /** Settled without knowing whether the platform had it (see the README on reconciliation). */
  inDoubt: boolean;
  createdAt: string;
  /** When it was settled (sent, failed, expired, skipped); null while open. */
  finishedAt: string | null;
}

export interface NewDelivery {
  recipient: string;
  coachId: number | null;
  platform: Platform;
  kind: string;
  localDate: string;
  /** ISO instant; the delivery is not sent before it. */
  dueAt: string;
}

interface DeliveryRow {
  id: number;
  recipient: string;
  coach_id: number | null;
  platform: Platform;
  kind: string;
  local_date: string;
  due_at: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  uncertain: number;
  claim_token: string | null;
  message_id: string | null;
  error: string | null;
  stage: DeliveryStage | null;
  in_doubt: number;
  created_at: string;
  finished_at: string | null;
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    recipient: row.recipient,
    coachId: row.coach_id,
    platform: row.platform,
    kind: row.kind,
    localDate: row.local_date,
    dueAt: row.due_at,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    uncertain: row.uncertain === 1,
    claimToken: row.claim_token,
    messageId: row.message_id,
    error: row.error,
    stage: row.stage,
    inDoubt: row.in_doubt === 1,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** The key a delivery carries to the platform (Slack message metadata), stable across retries and restarts. */
export function deliveryKey(d: Pick<Delivery, 'recipient' | 'kind' | 'localDate'>): string {
  return `${d.kind}:${d.recipient}:${d.localDate}`;
}

/**
 * The outbox. Rows are written before a send under a unique (recipient, kind, local date); a sender claims one
 * atomically (status pending → sending, with its own token) right before sending and marks it after, and every
 * mark checks the token, so a claim that was taken over is never marked by its old owner.
 */
export interface DeliveryStore {
  /** Writes the row unless one with the same key exists; true when it was new. */
  enqueue(d: NewDelivery, now: string): boolean;
  /** Claims the next ready row of a platform, or undefined. */
  claimNext(platform: Platform, now: string, token: string): Delivery | undefined;
  /**
   * Rows stuck in 'sending' since before `claimedBefore` (their sender died): back to pending. Flagged uncertain
   * when the text's call may have been in flight (stage 'posting', or unknown); a row that died while its message
   * was still being built ('claimed') is not. 'posted' and 'uploading' keep their stage: only the chart is left.
   */
  releaseAbandoned(claimedBefore: string): number;
  /**
   * Records the claim's stage (and the text's message id once posted); false when the claim was taken over. The
   * lease restarts at `now`: a row left mid-call is released no sooner than a lease after that call began, however
   * long its message took to build (a slow chart, a wait for another process's lock).
   */
  markStage(id: number, token: string, stage: DeliveryStage, now: string, messageId?: string | null): boolean;
  /**
   * Done. `note` is kept as the row's error (a chart that did not follow its text); `inDoubt` when the sender
   * settled it without the platform's answer.
   */
  markSent(
    id: number,
    token: string,
    messageId: string | null,
    now: string,
    extra?: { note?: string; inDoubt?: boolean },
  ): boolean;
  /**
   * Back to pending for another try at `nextAttemptAt`. `countAttempt: false` for rate limits, which are not
   * failures; `uncertain` when the send may have landed (a timeout), so the platform is asked before the next try.
   */
  markRetry(
    id: number,
    token: string,
    retry: { nextAttemptAt: string; error: string; countAttempt: boolean; uncertain: boolean },
  ): boolean;
  markFailed(id: number, token: string, error: string, now: string, extra?: { inDoubt?: boolean }): boolean;
  markSkipped(id: number, token: string, reason: string, now: string): boolean;
  /** The earliest next attempt among a platform's pending rows. */
  nextPendingAt(platform: Platform): string | undefined;
  /** Pending or sending rows of a platform (work left). */
  openCount(platform?: Platform): number;
  byKey(recipient: string, kind: string, localDate: string): Delivery | undefined;
  countByStatus(): Partial<Record<DeliveryStatus, number>>;
  /** Rows settled in doubt, for an admin: sent without the platform's word, or given up while unknown. */
  countInDoubt(): number;
  /** The most recent rows settled in doubt, newest first. */
  inDoubt(limit: number): Delivery[];
  /**
   * The most recent failed rows, newest first: a permanent answer ("unreachable: ...", "refused: ..."), past the
   * catch-up window ("expired: ..."), or nothing to build the message with.
   */
  failed(limit: number): Delivery[];
}

export function deliveryStore(db: Db): DeliveryStore {
  const insert = db.prepare(
    `INSERT INTO deliveries (recipient, coach_id, platform, kind, local_date, due_at, next_attempt_at, created_at)
     VALUES (@recipient, @coachId, @platform, @kind, @localDate, @dueAt, @dueAt, @now)
     ON CONFLICT (recipient, kind, local_date) DO NOTHING`,
  );
  const claim = db.prepare<[string, string, string, string], DeliveryRow>(
    `UPDATE deliveries SET status = 'sending', claim_token = ?, claimed_at = ?, attempts = attempts + 1,
       stage = CASE WHEN stage IN ('posted', 'uploading') THEN stage ELSE 'claimed' END
     WHERE id = (SELECT id FROM deliveries WHERE platform = ? AND status = 'pending' AND next_attempt_at <= ?
                 ORDER BY next_attempt_at, id LIMIT 1)
     RETURNING *`,
  );
  const claimTx = db.transaction((platform: Platform, now: string, token: string) =>
    claim.get(token, now, platform, now),
  );
  const releaseAbandoned = db.prepare(
    `UPDATE deliveries SET status = 'pending', claim_token = NULL,
       uncertain = CASE WHEN stage IS NULL OR stage = 'posting' THEN 1 ELSE uncertain END
     WHERE status = 'sending' AND claimed_at < ?`,
  );
  const markStage = db.prepare(
    `UPDATE deliveries SET stage = ?, claimed_at = ?, message_id = coalesce(?, message_id)
     WHERE id = ? AND claim_token = ? AND status = 'sending'`,
  );
  const markSent = db.prepare(
    `UPDATE deliveries SET status = 'sent', message_id = coalesce(?, message_id), finished_at = ?, error = ?,
       in_doubt = max(in_doubt, ?), claim_token = NULL
     WHERE id = ? AND claim_token = ? AND status = 'sending'`,
  );
  const markRetry = db.prepare(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = ?, error = ?, claim_token = NULL,
       attempts = attempts - ?, uncertain = max(uncertain, ?)
     WHERE id = ? AND claim_token = ? AND status = 'sending'`,
  );
  const markDone = db.prepare(
    `UPDATE deliveries SET status = ?, error = ?, finished_at = ?, claim_token = NULL, in_doubt = max(in_doubt, ?)
     WHERE id = ? AND claim_token = ? AND status = 'sending'`,
  );
  const nextPending = db.prepare<[Platform], { at: string | null }>(
    `SELECT min(next_attempt_at) AS at FROM deliveries WHERE platform = ? AND status = 'pending'`,
  );
  const openAll = db.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')`,
  );
  const openFor = db.prepare<[Platform], { n: number }>(
    `SELECT count(*) AS n FROM deliveries WHERE platform = ? AND status IN ('pending', 'sending')`,
  );
  const byKey = db.prepare<[string, string, string], DeliveryRow>(
    'SELECT * FROM deliveries WHERE recipient = ? AND kind = ? AND local_date = ?',
  );
  const byStatus = db.prepare<[], { status: DeliveryStatus; n: number }>(
    'SELECT status, count(*) AS n FROM deliveries GROUP BY status',
  );
  const inDoubt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM deliveries WHERE in_doubt = 1');
  const inDoubtRows = db.prepare<[number], DeliveryRow>(
    'SELECT * FROM deliveries WHERE in_doubt = 1 ORDER BY id DESC LIMIT ?',
  );

  const failedRows = db.prepare<[number], DeliveryRow>(
    `SELECT * FROM deliveries WHERE status = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?`,
  );

  return {
    enqueue: (d, now) => insert.run({ ...d, now }).changes === 1,
    claimNext(platform, now, token) {
      const row = claimTx.immediate(platform, now, token);
      return row ? toDelivery(row) : undefined;
    },
    releaseAbandoned: (claimedBefore) => releaseAbandoned.run(claimedBefore).changes,
    markStage: (id, token, stage, now, messageId = null) =>
      markStage.run(stage, now, messageId, id, token).changes === 1,
    markSent: (id, token, messageId, now, extra = {}) =>
      markSent.run(messageId, now, extra.note ?? null, extra.inDoubt ? 1 : 0, id, token).changes === 1,
    markRetry: (id, token, r) =>
      markRetry.run(r.nextAttemptAt, r.error, r.countAttempt ? 0 : 1, r.uncertain ? 1 : 0, id, token).changes === 1,
    markFailed: (id, token, error, now, extra = {}) =>
      markDone.run('failed', error, now, extra.inDoubt ? 1 : 0, id, token).changes === 1,
    markSkipped: (id, token, reason, now) => markDone.run('skipped', reason, now, 0, id, token).changes === 1,
    nextPendingAt: (platform) => nextPending.get(platform)?.at ?? undefined,
    openCount: (platform) => (platform ? openFor.get(platform)?.n : openAll.get()?.n) ?? 0,
    byKey(recipient, kind, localDate) {
      const row = byKey.get(recipient, kind, localDate);
      return row ? toDelivery(row) : undefined;
    },
    countByStatus: () => Object.fromEntries(byStatus.all().map((r) => [r.status, r.n])),
    countInDoubt: () => inDoubt.get()?.n ?? 0,
    inDoubt: (limit) => inDoubtRows.all(limit).map(toDelivery),
    failed: (limit) => failedRows.all(limit).map(toDelivery),
  };
}
