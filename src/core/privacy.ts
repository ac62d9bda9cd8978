import { BEHAVIOUR_KEYS } from './behaviours';
import type { DeletionDeps } from './deletion';
import type { FileAttachment } from './message';
import type { CoachData } from './ports';
import { type PromptCatalog, promptById } from './prompts';

/**
 * A coach's data is theirs: the export files, and the retention rule. Pure functions over CoachData; the store
 * gathers and deletes, platforms deliver the files (Slack upload to the DM, Teams attachment, the terminal writes).
 */

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows]
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/** The files of an export, by kind: the JSON with everything, then a CSV per kind of record. */
export const EXPORT_FILE_KINDS = ['export', 'self-checks', 'reflections', 'prompts', 'settings'] as const;
export type ExportFileKind = (typeof EXPORT_FILE_KINDS)[number];

/** The ids of the records one export file holds, for its audit row (the JSON holds them all; settings none). */
export function exportedIds(data: CoachData, kind: ExportFileKind | 'all'): Record<string, number[]> {
  const ids = {
    selfChecks: data.selfChecks.map((c) => c.id),
    reflections: data.reflections.map((r) => r.id),
    promptIssues: data.promptIssues.map((p) => p.id),
  };
  const journey = data.credentialJourney;
  if ((kind === 'all' || kind === 'export') && journey)
    return { ...ids, sessions: journey.sessions.map((s) => s.id), mentoring: journey.mentoring.map((m) => m.id) };
  if (kind === 'all' || kind === 'export') return ids;
  if (kind === 'self-checks') return { selfChecks: ids.selfChecks };
  if (kind === 'reflections') return { reflections: ids.reflections };
  if (kind === 'prompts') return { promptIssues: ids.promptIssues };
  return {};
}

/** The export: one JSON file with everything, and a CSV per kind of record for spreadsheets. */
export function buildExport(data: CoachData, catalog: PromptCatalog, exportedAt: Date): FileAttachment[] {
  const stamp = exportedAt.toISOString().slice(0, 10);
  const promptText = (id: string | null) => (id ? (promptById(catalog, id)?.text ?? null) : null);
  const { coach } = data;
  const json = {
    exportedAt: exportedAt.toISOString(),
    format: 'trellis-export/1',
    coach: {
      platform: coach.platform,
      tenant: coach.tenant,
      user: coach.user,
      displayName: coach.displayName,
      createdAt: coach.createdAt,
      settings: coach.settings,
      timeZoneSetByCoach: coach.timeZoneSetByCoach,
    },
    selfChecks: data.selfChecks.map((c) => ({
      id: c.id,
      localDate: c.localDate,
      checkedAt: c.checkedAt,
      ratings: c.ratings,
      note: c.note,
      rubricVersion: c.rubricVersion ?? null,
    })),
    reflections: data.reflections.map((r) => ({
      id: r.id,
      localDate: r.localDate,
      createdAt: r.createdAt,
      promptId: r.promptId,
      prompt: promptText(r.promptId),
      text: r.text,
    })),
    promptsIssued: data.promptIssues.map((p) => ({
      id: p.id,
      localDate: p.localDate,
      issuedAt: p.issuedAt,
      promptId: p.promptId,
      prompt: promptText(p.promptId),
      status: p.status,
    })),
    ...(data.peerSupervision ? { peerSupervision: data.peerSupervision } : {}),
    ...(data.pendingTexts?.length
      ? { pendingTexts: data.pendingTexts.map((p) => ({ id: p.id, createdAt: p.createdAt, text: p.text })) }
      : {}),
    ...(data.credentialJourney ? { credentialJourney: data.credentialJourney } : {}),
    ...(data.mentorCoaching ? { mentorCoaching: data.mentorCoaching } : {}),
    ...(data.portfolioPicks ? { portfolioReflections: data.portfolioPicks } : {}),
  };
  const s = coach.settings;
  return [
    {
      filename: `trellis-export-${stamp}.json`,
      kind: 'export',
      mimeType: 'application/json',
      content: `${JSON.stringify(json, null, 2)}\n`,
    },
    {
      filename: `trellis-self-checks-${stamp}.csv`,
      kind: 'self-checks',
      mimeType: 'text/csv',
      content: toCsv(
        ['id', 'local_date', 'checked_at', ...BEHAVIOUR_KEYS, 'note'],
        data.selfChecks.map((c) => [
          c.id,
          c.localDate,
          c.checkedAt,
          ...BEHAVIOUR_KEYS.map((k) => c.ratings[k] ?? null),
          c.note,
        ]),
      ),
    },
    {
      filename: `trellis-reflections-${stamp}.csv`,
      kind: 'reflections',
      mimeType: 'text/csv',
      content: toCsv(
        ['id', 'local_date', 'created_at', 'prompt_id', 'prompt', 'text'],
        data.reflections.map((r) => [r.id, r.localDate, r.createdAt, r.promptId, promptText(r.promptId), r.text]),
      ),
    },
    {
      filename: `trellis-prompts-${stamp}.csv`,
      kind: 'prompts',
      mimeType: 'text/csv',
      content: toCsv(
        ['id', 'local_date', 'issued_at', 'prompt_id', 'prompt', 'status'],
        data.promptIssues.map((p) => [p.id, p.localDate, p.issuedAt, p.promptId, promptText(p.promptId), p.status]),
      ),
    },
    {
      filename: `trellis-settings-${stamp}.csv`,
      kind: 'settings',
      mimeType: 'text/csv',
      content: toCsv(
        ['setting', 'value'],
        [
          ['platform', coach.platform],
          ['tenant', coach.tenant],
          ['user', coach.user],
          ['display_name', coach.displayName],
          ['created_at', coach.createdAt],
          ['prompt_time', s.promptTime],
          ['prompt_days', s.promptDays.join(' ')],
          ['time_zone', s.timeZone],
          ['level', s.level],
          ['working_toward', s.workingToward],
          ['practices', s.practices.join(' ')],
          ['paused_until', s.pausedUntil],
        ],
      ),
    },
  ];
}

/** The instant before which notes and reflections are purged: `days` whole days before `now`. */
export function retentionCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

export interface RetentionResult {
  /** Unset retention keeps everything: nothing was purged. */
  ran: boolean;
  cutoff?: string;
  notes: number;
  reflections: number;
  /** Trellis's own platform messages and files older than the cutoff, queued for removal. */
  messages: number;
}

/**
 * Purges notes and reflections older than `retentionDays` (ratings stay, as numbers), and queues Trellis's platform
 * messages and files posted before then for removal. The scheduler calls this once a day; `npm run cli -- purge`
 * runs it at once. Idempotent: a second run the same day purges nothing new.
 */
export function runRetention(
  deps: Pick<DeletionDeps, 'repos' | 'log' | 'removals' | 'onRemovalsQueued'>,
  retentionDays: number | undefined,
  now: Date,
  actor = 'scheduler',
): RetentionResult {
  if (!retentionDays) return { ran: false, notes: 0, reflections: 0, messages: 0 };
  const cutoff = retentionCutoff(now, retentionDays);
  const purged = deps.repos.privacy.purgeTextBefore(cutoff, { at: now.toISOString(), actor });
  const messages = deps.removals?.queuePostedBefore(cutoff, now.toISOString()) ?? 0;
  if (messages > 0) deps.onRemovalsQueued?.();
  deps.log.info('retention ran', {
    cutoff,
    retentionDays,
    notes: purged.notes,
    reflections: purged.reflections,
    messages,
  });
  return { ran: true, cutoff, ...purged, messages };
}
