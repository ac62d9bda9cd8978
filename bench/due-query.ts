/**
 * bench:due-query: the scheduler's per-minute due query at 100,000 coaches, against a baseline in the same run:
 * a full scan of every coach that works out in JS who is due (what a tick would cost without the stored,
 * indexed next-due instant).
 *
 *   npx tsx bench/due-query.ts [--coaches 100000] [--minutes 1440] [--quick]
 *
 * --quick (bench:all): 20,000 coaches over 240 minutes, unless given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Weekday } from '../src/core/model';
import { nextOccurrenceAfter, planDue } from '../src/core/schedule';
import { createRepositories, openDatabase } from '../src/store';
import { toCoach } from '../src/store/coaches';
import { scheduleStore } from '../src/store/schedule';
import { testSettings } from '../test/helpers/settings';
import { printRow, quick } from './rows';

const options = z
  .object({
    coaches: z.coerce
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(quick ? 20_000 : 100_000),
    minutes: z.coerce
      .number()
      .int()
      .min(10)
      .max(10_080)
      .default(quick ? 240 : 1440),
    quick: z.boolean().default(false),
  })
  .parse(
    parseArgs({ options: { coaches: { type: 'string' }, minutes: { type: 'string' }, quick: { type: 'boolean' } } })
      .values,
  );

const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Europe/Berlin',
  'Asia/Tokyo',
  'UTC',
];
const DAYS: Weekday[][] = [
  [1, 2, 3, 4, 5],
  [1, 3, 5],
  [1, 2, 3, 4, 5, 6, 7],
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-due-query-'));
  try {
    const db = openDatabase(path.join(dir, 'trellis.db'));
    const start = new Date('2026-11-23T23:00:00Z');
    let now = start;
    const repos = createRepositories(db, () => now);
    const seeded = performance.now();
    for (let from = 0; from < options.coaches; from += 5000) {
      repos.transaction(() => {
        for (let i = from; i < Math.min(options.coaches, from + 5000); i++) {
          const minutes = 6 * 60 + ((i * 11) % (14 * 60)); // prompt times spread over every minute, 06:00 to 19:59
          repos.coaches.upsert(
            { platform: 'slack', tenant: 'T0BENCH', user: `U${i}` },
            testSettings({
              promptTime: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
              promptDays: DAYS[i % DAYS.length],
              timeZone: ZONES[i % ZONES.length],
              pausedUntil: i % 50 === 0 ? '2026-12-31' : null,
            }),
          );
        }
      });
    }
    const seedSeconds = (performance.now() - seeded) / 1000;
    const store = scheduleStore(db);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM coaches WHERE platform = ? AND next_due_utc <= ? ORDER BY next_due_utc LIMIT ?',
      )
      .all('slack', start.toISOString(), 500) as { detail: string }[];

    // The indexed query, once a minute over the simulated span, moving each due coach on as a tick does.
    const indexed: number[] = [];
    const busy: number[] = [];
    let dueRows = 0;
    for (let m = 1; m <= options.minutes; m++) {
      now = new Date(start.getTime() + m * 60_000);
      const iso = now.toISOString();
      const t0 = performance.now();
      const due = store.dueCoaches('slack', iso, 500);
      const ms = performance.now() - t0;
      indexed.push(ms);
      if (due.length > 0) busy.push(ms);
      dueRows += due.length;
      store.immediate(() => {
        for (const { coach } of due)
          store.setNextDue(coach.id, nextOccurrenceAfter(coach.settings, now)?.dueUtc.toISOString() ?? null);
      });
    }

    // The baseline: read every coach and work out due-ness in JS, for a few of the same minutes.
    const all = db.prepare('SELECT * FROM coaches');
    const scan: number[] = [];
    let scanDue = 0;
    for (let k = 0; k < 5; k++) {
      const at = new Date(start.getTime() + Math.floor(((k + 1) * options.minutes) / 6) * 60_000);
      const t0 = performance.now();
      let due = 0;
      for (const row of all.iterate() as Iterable<Parameters<typeof toCoach>[0]>) {
        // Due in this minute: the latest prompt at or before `at` is not older than the minute.
        if (planDue(toCoach(row).settings, at, 0).send) due++;
      }
      scan.push(performance.now() - t0);
      scanDue += due;
    }
    db.close();

    indexed.sort((a, b) => a - b);
    busy.sort((a, b) => a - b);
    scan.sort((a, b) => a - b);
    const median = quantile(indexed, 0.5);
    const scanMedian = quantile(scan, 0.5);
    console.log(
      `due query: ${options.coaches.toLocaleString('en')} coaches (seeded in ${seedSeconds.toFixed(1)} s), ${options.minutes} one-minute ticks`,
    );
    console.log(`  query plan           ${plan.map((p) => p.detail).join('; ')}`);
    console.log(`  coaches due per tick ${(dueRows / options.minutes).toFixed(1)} on average`);
    console.log(
      `  indexed query        median ${fmt(median)}  p99 ${fmt(quantile(indexed, 0.99))}  max ${fmt(indexed[indexed.length - 1])}  (target median < 5 ms: ${median < 5 ? 'ok' : 'MISSED'})`,
    );
    const busyMedian = quantile(busy, 0.5);
    console.log(
      `  ticks with coaches due (${busy.length}): median ${fmt(busyMedian)}  p99 ${fmt(quantile(busy, 0.99))}`,
    );
    console.log(
      `  baseline full scan   median ${fmt(scanMedian)} over ${scan.length} ticks (found ${(scanDue / scan.length).toFixed(1)} due per tick)`,
    );
    console.log(
      `  speed-up             ${(scanMedian / busyMedian).toFixed(0)}x (baseline median / indexed median of ticks with coaches due)`,
    );
    printRow({
      name: `due query: median tick (${options.coaches} coaches)`,
      figure: fmt(median),
      baseline: `${fmt(scanMedian)} scan`,
      ratio: busyMedian / scanMedian,
      target: 'median < 5 ms',
      met: median < 5,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
