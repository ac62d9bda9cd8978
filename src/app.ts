import { loadCatalog } from './catalog';
import { chartRenderer } from './charts';
import { type Config, ConfigError } from './config';
import { isTrellisError } from './core/errors';
import type { Clock, Repositories, WriteBatcher } from './core/ports';
import { systemClock } from './core/ports';
import { Trellis } from './core/trellis';
import { createLogger, type StructuredLogger } from './log';
import { createGroupCommit, createRepositories, type Db } from './store';
import { cipherFor, EncryptionError } from './store/crypto';
import { type EncryptionStatus, prepareEncryption } from './store/encryption';
import { lockedAtStart, openStore, type ReadOnlyStore, StoreOpenError } from './store/open';
import { type PlatformMessageStore, platformMessageStore } from './store/platform-messages';
import { type SlackInstallationStore, slackInstallationStore } from './store/slack-installations';

/** Everything a process needs, wired once: config → db → repositories → core. */
export interface AppContext {
  config: Config;
  db: Db;
  repos: Repositories;
  trellis: Trellis;
  log: StructuredLogger;
  clock: Clock;
  /** Whether free text is encrypted at rest, and under which key id. */
  encryption: EncryptionStatus;
  /** Group commit for writes a platform acknowledges (src/store/group-commit.ts). */
  commits: WriteBatcher;
  /** Set when the database could be opened for reading only (a read-only or full disk): writes are refused. */
  readOnly?: ReadOnlyStore;
  /** "Add to Slack": the workspaces Trellis is installed in, tokens sealed like notes (src/store/slack-installations.ts). */
  slackInstallations: SlackInstallationStore;
  /** What Trellis posted on Slack and Teams, and the queue that removes it (src/schedule/removal.ts). */
  removals: {
    store: PlatformMessageStore;
    /** Calls `listener` whenever a delete or retention queued removals; returns the unsubscribe. */
    onQueued(listener: () => void): () => void;
  };
  close(): void;
}

export function createAppContext(config: Config, options: { clock?: Clock; log?: StructuredLogger } = {}): AppContext {
  const log = options.log ?? createLogger(config.logLevel ?? (config.slack || config.teams ? 'info' : 'warn'));
  const clock = options.clock ?? systemClock;
  const catalog = loadPrompts(config);
  const { db, readOnly } = openDatabaseOf(config);
  const encryption = checkEncryption(db, config, clock);
  if (encryption.encryptedNow > 0) log.info('encrypted existing text', { values: encryption.encryptedNow });
  const repos = createRepositories(db, () => clock.now(), cipherFor(config.encryptionKey));
  const commits = createGroupCommit(db, { log });
  const removalStore = platformMessageStore(db, () => clock.now(), { log });
  const removalListeners = new Set<() => void>();
  const slackInstallations = slackInstallationStore(db, () => clock.now(), cipherFor(config.encryptionKey));
  if (config.slack?.oauth && !config.encryptionKey)
    log.warn('slack installations (bot tokens) are stored unencrypted: set TRELLIS_ENCRYPTION_KEY');
  const trellis = new Trellis({
    repos,
    catalog,
    clock,
    log,
    defaultTimeZone: config.defaultTimeZone,
    retentionDays: config.retentionDays,
    minGroupSize: config.minGroupSize,
    charts: chartRenderer,
    encryptedAtRest: config.encryptionKey !== undefined,
    removals: removalStore,
    onRemovalsQueued: () => {
      for (const listener of removalListeners) listener();
    },
    departures: { tenants: slackInstallations, days: config.uninstallRetentionDays },
  });
  return {
    config,
    db,
    repos,
    trellis,
    log,
    clock,
    encryption,
    commits,
    readOnly,
    slackInstallations,
    removals: {
      store: removalStore,
      onQueued(listener) {
        removalListeners.add(listener);
        return () => removalListeners.delete(listener);
      },
    },
    close: () => {
      commits.drain();
      if (db.open) db.close();
    },
  };
}

/** The prompt catalog, or a ConfigError that names TRELLIS_PROMPTS_DIR when the folder or a file in it is unusable. */
function loadPrompts(config: Config): ReturnType<typeof loadCatalog> {
  try {
    return loadCatalog(config.promptsDir);
  } catch (error) {
    if (!isTrellisError(error) || error.code !== 'prompts') throw error;
    const setting = config.promptsDir
      ? `TRELLIS_PROMPTS_DIR=${config.promptsDir}`
      : 'TRELLIS_PROMPTS_DIR (unset: prompts/)';
    throw new ConfigError([
      `${setting}: ${error.message} Fix it, or set TRELLIS_PROMPTS_DIR to a folder of valid prompt files (or unset it for the prompts Trellis comes with).`,
    ]);
  }
}

/** TRELLIS_DB opened, or a ConfigError that names it and says what to do. */
function openDatabaseOf(config: Config): { db: Db; readOnly?: ReadOnlyStore } {
  try {
    return openStore(config.dbFile);
  } catch (error) {
    if (error instanceof StoreOpenError) throw new ConfigError([error.message]);
    throw error;
  }
}

/** The key must fit the database before anything is written; a wrong or missing key stops start-up, changing nothing. */
function checkEncryption(db: Db, config: Config, clock: Clock): EncryptionStatus {
  try {
    return prepareEncryption(db, config.encryptionKey, clock.now());
  } catch (error) {
    db.close();
    if (error instanceof EncryptionError) throw new ConfigError([error.message]);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new ConfigError([lockedAtStart(config.dbFile).message]);
    }
    throw error;
  }
}
