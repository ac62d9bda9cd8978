import { loadCatalog } from '../../src/catalog';
import { chartRenderer } from '../../src/charts';
import type { Clock } from '../../src/core/ports';
import { Trellis } from '../../src/core/trellis';
import { createLogger, type StructuredLogger } from '../../src/log';
import { createRepositories, type Db, openDatabase } from '../../src/store';
import { FixedClock } from './clock';
import { tempDbFile } from './temp-db';

export interface MakeTrellisOptions {
  minGroupSize?: number;
  /** Draw weekly charts (off unless asked for: rendering is slow and most tests do not look at pictures). */
  charts?: boolean;
}

/** The real core on a real temporary SQLite file, with a fixed clock and a log kept in memory. */
export function makeTrellis(start = '2026-11-24T09:00:00Z', timeZone = 'UTC', options: MakeTrellisOptions = {}) {
  const { file, cleanup } = tempDbFile();
  const db: Db = openDatabase(file);
  const clock = new FixedClock(start);
  const logLines: string[] = [];
  const log: StructuredLogger = createLogger('debug', {}, (line) => logLines.push(line));
  const repos = createRepositories(db, () => clock.now());
  const catalog = loadCatalog();
  const trellis = new Trellis({
    repos,
    catalog,
    clock: clock as Clock,
    log,
    defaultTimeZone: timeZone,
    minGroupSize: options.minGroupSize,
    charts: options.charts ? chartRenderer : undefined,
  });
  return {
    trellis,
    repos,
    db,
    clock,
    catalog,
    file,
    logLines,
    log,
    close() {
      db.close();
      cleanup();
    },
  };
}
