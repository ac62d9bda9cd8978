import { FixedClock } from '../../helpers/clock';
import { type ConnectorCall, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { FakeUploadServer } from '../../helpers/fake-upload-server';
import { tempDbFile } from '../../helpers/temp-db';
import { personalMessage, startTeams, TENANT, type TeamsHarness } from './harness';

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

export interface TeamsWithUploads {
  readonly connector: FakeBotConnector;
  readonly uploads: FakeUploadServer;
  readonly teams: TeamsHarness;
  say(user: string, text: string): ReturnType<TeamsHarness['post']>;
}

/**
 * Registers the hooks that give each test a fake Bot Connector, a fake upload URL and Trellis for Teams on a fresh
 * database, on a clock fixed at `now` (uploads time out after 1 s); returns the running parts.
 */
export function useTeamsWithUploads(now: string): TeamsWithUploads {
  let parts: { connector: FakeBotConnector; uploads: FakeUploadServer; teams: TeamsHarness; cleanup(): void };
  beforeEach(async () => {
    const connector = await new FakeBotConnector().start();
    const uploads = await new FakeUploadServer().start();
    const db = tempDbFile();
    const teams = await startTeams({ dbFile: db.file, clock: new FixedClock(now), uploadTimeoutMs: 1000 });
    parts = { connector, uploads, teams, cleanup: db.cleanup };
  });
  afterEach(async () => {
    await parts.teams.stop();
    await parts.uploads.stop();
    await parts.connector.stop();
    parts.cleanup();
  });
  return {
    get connector() {
      return parts.connector;
    },
    get uploads() {
      return parts.uploads;
    },
    get teams() {
      return parts.teams;
    },
    say: (user, text) => parts.teams.post(personalMessage(parts.connector.url, user, text)),
  };
}
