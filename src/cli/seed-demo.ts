import { BEHAVIOUR_KEYS, type Rating } from '../core/behaviours';
import type { Ratings } from '../core/model';
import type { Repositories } from '../core/ports';
import type { PromptCatalog } from '../core/prompts';
import { hashSeed, seededRandom } from '../core/random';
import { addDays, localDate, weekStart } from '../core/time';

export interface SeedOptions {
  coaches: number;
  weeks: number;
  seed: number;
  platform: 'console' | 'slack' | 'teams';
  tenant: string;
  now: Date;
  timeZones: readonly string[];
  /** Number of the first demo coach (demo-00001 by default); `seed-demo --append` starts after the last one. */
  first?: number;
}

const NOTES = [
  'Slowed down and let the silence do some work.',
  'Caught myself steering towards my own idea.',
  'Asked permission before going into the family topic.',
  'Session on video; harder to read the pauses.',
  'Named what I noticed and checked it landed.',
];

/**
 * Realistic generated history: each coach has a starting level per behaviour, drifts up or down over the weeks,
 * checks in one to four times most weeks and skips some, adds a note now and then, and answers some prompts.
 * Deterministic for a seed.
 */
export function seedDemo(
  repos: Repositories,
  catalog: PromptCatalog,
  options: SeedOptions,
): { coaches: number; selfChecks: number; reflections: number } {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const clamp = (v: number) => Math.min(5, Math.max(1, Math.round(v))) as Rating;
  let selfChecks = 0;
  let reflections = 0;
  const batch = 250;
  const first = options.first ?? 1;
  for (let start = 0; start < options.coaches; start += batch) {
    repos.transaction(() => {
      for (let i = start; i < Math.min(options.coaches, start + batch); i++) {
        const n = first - 1 + i;
        const timeZone = options.timeZones[n % options.timeZones.length];
        const coach = repos.coaches.upsert(
          { platform: options.platform, tenant: options.tenant, user: `demo-${String(n + 1).padStart(5, '0')}` },
          {
            promptTime: pick(['08:00', '08:30', '09:00', '09:00', '12:30']),
            promptDays: [1, 2, 3, 4, 5],
            timeZone,
            level: pick(['ACC', 'PCC', 'MCC', null] as const),
            workingToward: null,
            practices: [],
            pausedUntil: null,
          },
          `Demo coach ${n + 1}`,
        );
        const base = Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, 2 + random() * 2.5])) as Record<string, number>;
        const drift = Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, (random() - 0.4) * 0.06])) as Record<
          string,
          number
        >;
        const today = localDate(options.now, timeZone);
        const firstMonday = addDays(weekStart(today), -7 * (options.weeks - 1));
        const personalRng = seededRandom(hashSeed(`${options.seed}|${n}`));
        for (let w = 0; w < options.weeks; w++) {
          if (personalRng() < 0.15) continue; // a week off
          const checks = 1 + Math.floor(personalRng() * 4);
          for (let c = 0; c < checks; c++) {
            const date = addDays(firstMonday, 7 * w + Math.floor(personalRng() * 5));
            if (date > today) continue;
            const ratings: Ratings = {};
            for (const key of BEHAVIOUR_KEYS) {
              if (personalRng() < 0.05) continue; // skipped
              ratings[key] = clamp(base[key] + drift[key] * w + (personalRng() - 0.5) * 1.6);
            }
            if (Object.keys(ratings).length === 0) ratings.context = 3;
            repos.selfChecks.add({
              coachId: coach.id,
              checkedAt: `${date}T${String(8 + c).padStart(2, '0')}:15:00.000Z`,
              localDate: date,
              ratings,
              note: personalRng() < 0.3 ? pick(NOTES) : null,
            });
            selfChecks++;
          }
          if (personalRng() < 0.6) {
            const date = addDays(firstMonday, 7 * w + Math.floor(personalRng() * 5));
            if (date > today) continue;
            const prompt = catalog.prompts[Math.floor(personalRng() * catalog.prompts.length)];
            const issue = repos.promptIssues.issue(coach.id, prompt.id, date, `${date}T09:00:00.000Z`);
            repos.reflections.add({
              coachId: coach.id,
              promptIssueId: issue.id,
              promptId: prompt.id,
              text: 'A demo reflection: what I noticed, what I felt, and what I would try next time.',
              createdAt: `${date}T17:00:00.000Z`,
              localDate: date,
            });
            repos.promptIssues.setStatus(issue.id, 'answered');
            reflections++;
          }
        }
      }
    });
  }
  return { coaches: options.coaches, selfChecks, reflections };
}
