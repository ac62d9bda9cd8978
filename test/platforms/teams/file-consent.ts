import type { ConnectorCall } from '../../helpers/fake-bot-connector';
import { TENANT } from './harness';
import { useTeams } from './use-teams';

export const CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

export interface ConsentAttachment {
  contentType: string;
  name: string;
  content: { description: string; sizeInBytes: number; acceptContext: unknown; declineContext: unknown };
}

export const refOf = (user: string) => ({ platform: 'teams' as const, tenant: TENANT, user: `aad-${user}` });
export const attachmentsOf = (call: ConnectorCall) => (call.body.attachments ?? []) as Record<string, unknown>[];
export const consentOf = (call: ConnectorCall) =>
  attachmentsOf(call).find((a) => a.contentType === CONSENT) as ConsentAttachment | undefined;

/** Each test gets a fake Bot Connector, a fake upload URL (uploads time out after 1 s) and Trellis on a fresh database. */
export const useTeamsWithUploads = (now: string) => useTeams({ scope: 'each', now, uploads: true });
