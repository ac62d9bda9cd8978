import { loadCatalog } from './catalog';
import { chartRenderer } from './charts';
import type { Config } from './config';
import type { Clock, Repositories } from './core/ports';
import { systemClock } from './core/ports';
import { Trellis } from './core/trellis';
import { createLogger, type StructuredLogger } from './log';
import { createRepositories, type Db, openDatabase } from './store';

/** Everything a process needs, wired once: config → db → repositories → core. */
export interface AppContext {
  config: Config;
  db: Db;
  repos: Repositories;
  trellis: Trellis;
  log: StructuredLogger;
  clock: Clock;
  close(): void;
}

export function createAppContext(config: Config, options: { clock?: Clock; log?: StructuredLogger } = {}): AppContext {
  const log = options.log ?? createLogger(config.logLevel ?? (config.slack || config.teams ? 'info' : 'warn'));
  const clock = options.clock ?? systemClock;
  const catalog = loadCatalog(config.promptsDir);
  const db = openDatabase(config.dbFile);
  const repos = createRepositories(db, () => clock.now());
  const trellis = new Trellis({
    repos,
    catalog,
    clock,
    log,
    defaultTimeZone: config.defaultTimeZone,
    minGroupSize: config.minGroupSize,
    charts: chartRenderer,
  });
  return {
    config,
    db,
    repos,
    trellis,
    log,
    clock,
    close: () => {
      if (db.open) db.close();
    },
  };
}
