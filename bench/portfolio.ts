import { parseArgs } from 'node:util';
import { z } from 'zod';
import { fileBytes } from '../src/core/message';
import type { CoachRef } from '../src/core/model';
import { RUBRIC } from '../src/core/rubric';
import { addDays } from '../src/core/time';
import { testSettings } from '../test/helpers/settings';
import { journeyDatabase } from './journey-db';
import { printRow, quick } from './rows';

const options = z
  .object({
    coaches: z.coerce
      .number()
      .int()
      .min(2)
      .max(10_000)
      .default(quick ? 20 : 100),
    perWeek: z.coerce.number().int().min(1).max(40).default(4),
    encrypted: z.boolean().default(false),
  })
  .parse(
    (({ 'per-week': perWeek, quick: _quick, ...rest }) => ({ ...rest, perWeek }))(
      parseArgs({
        options: {
          coaches: { type: 'string' },
          'per-week': { type: 'string' },
          encrypted: { type: 'boolean' },
          quick: { type: 'boolean' },
        },
      }).values,
    ),
  );

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const sortedOf = (list: number[]) => [...list].sort((a, b) => a - b);
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

function main(): void {
  const { perWeek } = options;
  const { db, repos, trellis, today, now, cipher, addSession, remove } = journeyDatabase(
    'portfolio',
    options.encrypted,
  );
  try {
    const ref = (i: number): CoachRef => ({ platform: 'console', tenant: 'local', user: `coach${i}` });
    const mentor: CoachRef = { platform: 'console', tenant: 'local', user: 'mentor' };
    const t0 = performance.now();
    const rate = db.prepare(
      `INSERT INTO session_marker_ratings (session_id, rater, marker, observed, evidence, rubric_version, rated_at)
       VALUES (?, 'self', ?, ?, ?, ?, ?)`,
    );
    const mentoring = db.prepare(
      'INSERT INTO mentoring_logs (coach_id, session_date, minutes, group_size, mentor_name, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const observed = ['observed', 'partly', 'not_observed'];
    let sessions = 0;
    trellis.coach(mentor, { displayName: 'Mentor Coach' });
    for (let i = 0; i < options.coaches; i++) {
      const coach = repos.coaches.upsert(ref(i), testSettings(), `Coach ${i}`);
      const ids: number[] = [];
      repos.transaction(() => {
        for (let day = 363; day >= 0; day--) {
          if ((day * perWeek) % 7 >= perWeek) continue;
          const id = addSession({
            coachId: coach.id,
            date: addDays(today, -day),
            minutes: 30 + ((i + day) % 7) * 10,
            paid: day % 5 !== 0,
            participants: day % 9 === 0 ? 4 : 1,
            clientCode: `C${(i + day) % 30}`,
          });
          ids.push(id);
          sessions++;
          if (ids.length % 4 === 0)
            for (const [k, marker] of ['4.1', '4.2', '4.3', '4.4'].entries())
              rate.run(
                id,
                marker,
                observed[(day + k) % 3],
                cipher.seal(`I said what I noticed (${day})`, 'session_marker_ratings.evidence'),
                RUBRIC.version,
                now.toISOString(),
              );
        }
        for (let m = 0; m < 8; m++)
          mentoring.run(
            coach.id,
            addDays(today, -m * 40),
            60,
            m % 3 === 0 ? 1 : 6,
            cipher.seal('Mentor Coach', 'mentoring_logs.mentor_name'),
            now.toISOString(),
          );
        for (let r = 0; r < 10; r++) {
          const { reflection } = repos.reflections.add({
            coachId: coach.id,
            promptIssueId: null,
            promptId: null,
            text: `Reflection ${r} of coach ${i}: what I noticed about trust in the session, in a few sentences. `.repeat(
              4,
            ),
            createdAt: now.toISOString(),
            localDate: addDays(today, -r * 30),
          });
          if (r % 3 === 0) repos.portfolioPicks.pick(coach.id, reflection.id, now.toISOString());
        }
      });
      // The mentor side through the core, as coaches and mentors type it.
      trellis.handleText(ref(i), 'mentor invite @mentor');
      const relation = repos.mentors.relationsOf(coach.id).find((r) => r.status === 'invited');
      trellis.handleText(mentor, `mentor accept ${relation?.id}`);
      for (const id of ids.filter((_, k) => k % 35 === 0).slice(0, 6)) {
        trellis.handleText(ref(i), `share session ${id} with mentor`);
        trellis.handleText(mentor, `mentor rate ${id} 4 3 4 3 4 3 4.1:yes 4.2:partly Good use of silence here`);
      }
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    db.pragma('analyze');

    const raw = {
      sessions: db.prepare('SELECT * FROM client_sessions WHERE coach_id = ? ORDER BY session_date, id'),
      markers: db.prepare(
        'SELECT m.* FROM session_marker_ratings m JOIN client_sessions s ON s.id = m.session_id WHERE s.coach_id = ?',
      ),
      mentoring: db.prepare('SELECT * FROM mentoring_logs WHERE coach_id = ? ORDER BY session_date, id'),
      reflections: db.prepare(
        'SELECT r.* FROM portfolio_picks p JOIN reflections r ON r.id = p.reflection_id WHERE p.coach_id = ?',
      ),
    };
    const built: number[] = [];
    const pdfOnly: number[] = [];
    const baseline: number[] = [];
    let bytes = 0;
    let firstSize = 0;
    const total0 = performance.now();
    for (let i = 0; i < options.coaches; i++) {
      const coach = repos.coaches.find(ref(i));
      if (!coach) throw new Error('a seeded coach is missing');
      const a = performance.now();
      const { data, files } = trellis.portfolio.files(coach, { to: today });
      built.push(performance.now() - a);
      const pdf = fileBytes(files[0]);
      bytes += pdf.length;
      if (i === 0) firstSize = pdf.length;
      if (data.sessions.length === 0 || data.comments.length === 0 || data.reflections.length === 0)
        throw new Error('a portfolio without sessions, mentor comments or ticked reflections: the seeding is wrong');
      const b = performance.now();
      for (const statement of Object.values(raw)) statement.all(coach.id);
      baseline.push(performance.now() - b);
      const c = performance.now();
      trellis.portfolio.data(coach, { to: today });
      pdfOnly.push(built[i] - (performance.now() - c));
    }
    const totalMs = performance.now() - total0;
    db.close();
    const s = sortedOf(built);
    const median = quantile(s, 0.5);
    const baseMedian = quantile(sortedOf(baseline), 0.5);
    console.log(
      `portfolio: ${options.coaches} coaches, ${sessions.toLocaleString('en')} sessions (a year, ${perWeek} a week each; seeded in ${seedSeconds.toFixed(1)} s)${options.encrypted ? ', free text encrypted' : ''}`,
    );
    console.log(
      `  portfolio (PDF + 2 CSVs)  median ${fmt(median)}  p95 ${fmt(quantile(s, 0.95))}  max ${fmt(s[s.length - 1])}`,
    );
    console.log(
      `  of which drawing files    median ${fmt(quantile(sortedOf(pdfOnly), 0.5))} (the rest is reading and opening rows)`,
    );
    console.log(
      `  all ${options.coaches} portfolios       ${(totalMs / 1000).toFixed(2)} s in all (with the baseline reads); PDF ${(firstSize / 1024).toFixed(0)} KB for the first coach, ${(bytes / options.coaches / 1024).toFixed(0)} KB on average`,
    );
    console.log(`  baseline raw SQL read     median ${fmt(baseMedian)} (the same coach's rows, four statements)`);
    printRow({
      name: 'portfolio: one coach',
      figure: fmt(median),
      baseline: fmt(baseMedian),
      ratio: baseMedian > 0 ? median / baseMedian : null,
      target: '',
      met: null,
    });
  } finally {
    remove();
  }
}

main();
