import { count } from './deletion';
import { type FileAttachment, type Message, message } from './message';
import type { CoachRef } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { buildExport, type ExportFileKind, exportedIds } from './privacy';
import type { PromptCatalog } from './prompts';
import type { RequestContext } from './trellis';

/** A coach's export: their data as files, recorded in the audit log (see privacy.ts; deleting is in deletion.ts). */

export interface DataRightsDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
}

/** All of the coach's data as files for the platform to deliver; the export is recorded in the audit log. */
export function exportData(deps: DataRightsDeps, ref: CoachRef, actor = 'coach', ctx: RequestContext = {}): Message {
  const coach = deps.repos.coaches.find(ref);
  if (!coach) return message('Trellis holds nothing about you, so there is nothing to export.');
  const { repos, catalog } = deps;
  const data = repos.privacy.coachData(coach.id);
  if (!data) return message('Trellis holds nothing about you, so there is nothing to export.');
  const now = deps.clock.now();
  const files = buildExport(data, catalog, now);
  if (!ctx.filesOnConsent) {
    repos.privacy.audit({
      at: now.toISOString(),
      coachId: coach.id,
      action: 'export',
      actor,
      objectIds: exportedIds(data, 'all'),
    });
  }
  const event = ctx.filesOnConsent ? 'data export offered' : 'data exported';
  deps.log.info(event, { coach: coach.id, actor, files: files.length });
  return message(
    [
      `Your data: ${count(data.selfChecks.length, 'self-check')}, ${count(data.reflections.length, 'reflection')}, ${count(data.promptIssues.length, 'prompt')} and your settings, as JSON and CSV.`,
      'These files contain your private notes; keep them somewhere safe.',
    ],
    { title: 'Your export', files },
  );
}

/**
 * One file of the coach's export, built afresh from what is stored now, for a platform that delivers each file
 * once the coach allows it (Teams). It is audited only when the platform calls `delivered()` after it arrived.
 */
export function exportFile(
  deps: DataRightsDeps,
  ref: CoachRef,
  kind: ExportFileKind,
  actor = 'coach',
): { file: FileAttachment; delivered(): void } | undefined {
  const { repos, catalog } = deps;
  const coach = repos.coaches.find(ref);
  const data = coach && repos.privacy.coachData(coach.id);
  if (!coach || !data) return undefined;
  const file = buildExport(data, catalog, deps.clock.now()).find((f) => f.kind === kind);
  if (!file) return undefined;
  const delivered = () => {
    const objectIds = { file: kind, ...exportedIds(data, kind) };
    repos.privacy.audit({ at: deps.clock.now().toISOString(), coachId: coach.id, action: 'export', actor, objectIds });
    deps.log.info('data exported', { coach: coach.id, actor, file: kind });
  };
  return { file, delivered };
}
