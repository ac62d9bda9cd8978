import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CoachRef } from '../src/core/model';
import { addDays } from '../src/core/time';
import { testSettings } from '../test/helpers/settings';
import { journeyDatabase } from './journey-db';

const options = z
  .object({
    coaches: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
    perWeek: z.coerce.number().int().min(1).max(40).default(4),
    runs: z.coerce.number().int().min(10).max(100_000).default(500),
    encrypted: z.boolean().default(false),
  })
  .parse(
    (({ 'per-week': perWeek, ...rest }) => ({ ...rest, perWeek }))(
      parseArgs({
        options: {
          coaches: { type: 'string' },
          'per-week': { type: 'string' },
          runs: { type: 'string' },
          encrypted: { type: 'boolean' },
        },
      }).values,
    ),
  );

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
const median = (list: number[]) =>
  quantile(
    [...list].sort((a, b) => a - b),
    0.5,
  );

function main(): void {
  const { perWeek } = options;
  const { db, repos, trellis, today, now, addSession, remove } = journeyDatabase('journey', options.encrypted);
  try {
    const t0 = performance.now();
    const mentoring = db.prepare(
      'INSERT INTO mentoring_logs (coach_id, session_date, minutes, group_size, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    let rows = 0;
    for (let from = 0; from < options.coaches; from += 1000) {
      repos.transaction(() => {
        for (let i = from; i < Math.min(options.coaches, from + 1000); i++) {
          const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T0BENCH', user: `U${i}` }, testSettings());
          for (let day = 0; day < 364; day++) {
            if ((day * perWeek) % 7 >= perWeek) continue;
            addSession({
              coachId: coach.id,
              date: addDays(today, -day),
              minutes: 30 + ((i + day) % 7) * 10,
              paid: day % 5 !== 0,
              participants: 1,
              clientCode: `C${(i + day) % 30}`,
            });
            rows++;
          }
          for (let m = 0; m < 8; m++)
            mentoring.run(coach.id, addDays(today, -m * 20), 60, m % 3 === 0 ? 1 : 6, now.toISOString());
        }
      });
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    db.pragma('analyze');

    const ref = (i: number): CoachRef => ({ platform: 'slack', tenant: 'T0BENCH', user: `U${i}` });
    const pick = (k: number) => (k * 7919) % options.coaches;
    const raw = db.prepare<[number], { minutes: number }>(
      'SELECT sum(minutes) AS minutes FROM client_sessions WHERE coach_id = ?',
    );
    const log: number[] = [];
    const baseline: number[] = [];
    let check = '';
    for (let k = 0; k < options.runs; k++) {
      const r = ref(pick(k));
      const a = performance.now();
      const reply = trellis.handleText(r, '/selfcheck log PCC');
      log.push(performance.now() - a);
      if (k === 0 && reply.type === 'messages') check = reply.messages[0].fields?.[0]?.value ?? '';
      const id = repos.coaches.find(r)?.id ?? 0;
      const b = performance.now();
      raw.get(id);
      baseline.push(performance.now() - b);
    }
    db.close();
    const logMedian = median(log);
    console.log(
      `journey log: ${options.coaches.toLocaleString('en')} coaches, ${rows.toLocaleString('en')} sessions (a year, ${perWeek} a week each; seeded in ${seedSeconds.toFixed(1)} s)${options.encrypted ? ', client codes encrypted' : ''}`,
    );
    console.log(`  first coach's hours  ${check}`);
    console.log(
      `  /selfcheck log       median ${fmt(logMedian)}  p99 ${fmt(
        quantile(
          [...log].sort((x, y) => x - y),
          0.99,
        ),
      )} over ${options.runs} coaches (target median < 5 ms: ${logMedian < 5 ? 'ok' : 'MISSED'})`,
    );
    console.log(`  baseline raw SQL sum median ${fmt(median(baseline))} (the same coach's minutes, one statement)`);
  } finally {
    remove();
  }
}

main();
