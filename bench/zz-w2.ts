import { loadCatalog } from '../src/catalog';
import { summaryMessage } from '../src/core/summary';
import { Trellis } from '../src/core/trellis';
import { createLogger } from '../src/log';
import { createRepositories, openDatabase } from '../src/store';
const NOW = new Date('2026-11-23T12:00:00Z');
const db = openDatabase('/tmp/perfprof/w.db');
const repos = createRepositories(db, () => NOW);
const trellis = new Trellis({ repos, catalog: loadCatalog(), clock: { now: () => NOW }, log: createLogger('silent'), defaultTimeZone: 'UTC', minGroupSize: 3 });
const xs: number[] = [];
for (let i = 0; i < 12; i++) { const c = process.cpuUsage(); const all = trellis.weekly.allSummaries(NOW); for (const x of all) summaryMessage(x.summary); const d = process.cpuUsage(c); xs.push((d.user + d.system) / 1000); }
console.log('cpu ms', xs.map((x) => x.toFixed(0)).join(' '));
