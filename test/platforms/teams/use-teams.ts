import { FixedClock } from '../../helpers/clock';
import { FakeBotConnector } from '../../helpers/fake-bot-connector';
import { FakeUploadServer } from '../../helpers/fake-upload-server';
import { tempDbFile } from '../../helpers/temp-db';
import { personalMessage, startTeams, type TeamsHarness } from './harness';

export interface RunningTeams {
  readonly connector: FakeBotConnector;
  readonly teams: TeamsHarness;
  /** The SQLite file Trellis runs on (for a second connection). */
  readonly dbFile: string;
  /** The fake upload URL, when asked for with `uploads: true`. */
  readonly uploads: FakeUploadServer;
  /** A personal message from `user`, posted to Trellis. */
  say(user: string, text: string): ReturnType<TeamsHarness['post']>;
  /** What the database holds: conversation references, coaches, self-checks. */
  stored(): { references: number; coaches: number; checks: number };
}

/**
 * Registers the hooks that start a fake Bot Connector (and, if asked, a fake upload URL) and Trellis for Teams on a
 * fresh database, once for the describe block (`scope: 'all'`) or for each test; returns the running parts.
 */
export function useTeams(
  options: { scope?: 'all' | 'each'; now?: string; env?: Record<string, string>; uploads?: boolean } = {},
): RunningTeams {
  let parts: {
    connector: FakeBotConnector;
    uploads?: FakeUploadServer;
    teams: TeamsHarness;
    dbFile: string;
    cleanup(): void;
  };
  const start = async () => {
    const connector = await new FakeBotConnector().start();
    const uploads = options.uploads ? await new FakeUploadServer().start() : undefined;
    const db = tempDbFile();
    const teams = await startTeams({
      dbFile: db.file,
      env: options.env,
      clock: options.now ? new FixedClock(options.now) : undefined,
      ...(uploads ? { uploadTimeoutMs: 1000 } : {}),
    });
    parts = { connector, uploads, teams, dbFile: db.file, cleanup: db.cleanup };
  };
  const stop = async () => {
    await parts.teams.stop();
    await parts.uploads?.stop();
    await parts.connector.stop();
    parts.cleanup();
  };
  if (options.scope === 'each') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return {
    get connector() {
      return parts.connector;
    },
    get teams() {
      return parts.teams;
    },
    get dbFile() {
      return parts.dbFile;
    },
    get uploads() {
      if (!parts.uploads) throw new Error('useTeams: started without uploads');
      return parts.uploads;
    },
    say: (user, text) => parts.teams.post(personalMessage(parts.connector.url, user, text)),
    stored: () => ({
      references: (
        parts.teams.app.db.prepare('SELECT COUNT(*) AS n FROM conversation_references').get() as { n: number }
      ).n,
      coaches: parts.teams.app.repos.coaches.count(),
      checks: parts.teams.app.repos.selfChecks.count(),
    }),
  };
}
