import fc from 'fast-check';
import { BEHAVIOUR_KEYS, type BehaviourKey, type Rating } from '../../src/core/behaviours';
import { digestMessage } from '../../src/core/digest';
import { toPlainText } from '../../src/core/message';
import type { Ratings } from '../../src/core/model';
import { addCheck, inChannel, makeWeeklyTrellis, slackRef } from '../helpers/weekly';

/**
 * The attacker of the threat model: a reader who knows every contributor's ratings but one (here even the target's
 * ratings of the other behaviours) and sees what was published. For each behaviour the target rated, they rebuild
 * the figures with each candidate rating 1..5 and keep the candidates that publish exactly what they saw. The
 * target's rating is safe when at least two candidates remain for every behaviour.
 */
const CHECK_DAY = '2027-01-05';
const DIGEST_AT = new Date('2027-01-11T09:00:00Z');
const CANDIDATES = [1, 2, 3, 4, 5] as const;

/** What was published for a sheet in which only the target's ratings vary. */
type Publisher = (target: Ratings) => string;

function consistentCandidates(publish: Publisher, target: Ratings, key: BehaviourKey): Rating[] {
  const seen = publish(target);
  return CANDIDATES.filter((c) => publish({ ...target, [key]: c }) === seen);
}

/** The smallest number of candidates left for any behaviour the target rated (6 when they rated none). */
function leastUncertainty(publish: Publisher, target: Ratings): number {
  const rated = BEHAVIOUR_KEYS.filter((k) => target[k] !== undefined);
  return Math.min(6, ...rated.map((k) => consistentCandidates(publish, target, k).length));
}

/**
 * The real thing: members and check-ins in SQLite, the week's figures aggregated in SQL and worded by the digest
 * builder. Each candidate rewrites the target's self-check row and builds the digest again (a preview, so nothing
 * is stored and every build reads the ratings afresh).
 */
function realPublisher(others: readonly Ratings[], target: Ratings, minGroupSize?: number) {
  const t = makeWeeklyTrellis('2027-01-04T08:00:00Z', { charts: false, minGroupSize });
  const here = inChannel('C0ORACLE');
  t.trellis.handleText(slackRef('U0'), 'digest here mon 09:00', here);
  const coaches = [...others, target].map((_, i) => {
    t.trellis.handleText(slackRef(`U${i + 1}`), 'group join', here);
    return t.trellis.coach(slackRef(`U${i + 1}`));
  });
  for (const [i, r] of others.entries()) addCheck(t.repos, coaches[i], CHECK_DAY, r);
  const targetCheck = addCheck(t.repos, coaches[coaches.length - 1], CHECK_DAY, target);
  const group = t.repos.groups.find('slack', 'T1', 'C0ORACLE')!;
  const update = t.db.prepare(
    `UPDATE self_checks SET ${BEHAVIOUR_KEYS.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`,
  );
  const publish: Publisher = (ratings) => {
    update.run({ id: targetCheck.id, ...Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, ratings[k] ?? null])) });
    return toPlainText(digestMessage(t.trellis.weekly.digestData(group, DIGEST_AT)));
  };
  return { publish, close: () => t.close() };
}

/** What the old digest did, for contrast: a group mean per behaviour in half-point bands when enough rated it. */
function halfPointBands(others: readonly Ratings[], min: number): Publisher {
  return (target) =>
    BEHAVIOUR_KEYS.map((k) => {
      const values = [...others, target].map((r) => r[k]).filter((v): v is Rating => v !== undefined);
      if (values.length < min) return `${k}: -`;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return `${k}: ${Math.floor(mean * 2) / 2}`;
    }).join('\n');
}

const rating = fc.constantFrom<Rating>(1, 2, 3, 4, 5);
/** One member's week: each behaviour rated or (one time in five) skipped, at least one rated. */
const sheet = fc
  .tuple(...BEHAVIOUR_KEYS.map(() => fc.option(rating, { freq: 4, nil: undefined })), rating)
  .map(([...values]) => {
    const fallback = values.pop() as Rating;
    const r = Object.fromEntries(BEHAVIOUR_KEYS.map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
    return (Object.keys(r).length ? r : { context: fallback }) as Ratings;
  });
const group = (min: number) =>
  fc.integer({ min, max: 8 }).chain((n) => fc.array(sheet, { minLength: n, maxLength: n }));

describe('the attacker oracle', () => {
  test.each([
    [5, undefined],
    [3, 3],
  ])('published figures leave at least two candidates per behaviour (n from %i to 8)', (min, configured) => {
    fc.assert(
      fc.property(group(min), (members) => {
        const target = members[members.length - 1];
        const real = realPublisher(members.slice(0, -1), target, configured);
        try {
          return leastUncertainty(real.publish, target) >= 2;
        } finally {
          real.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  test('half-point bands of a mean fail it: five members, the others summing to 6, a 1 is pinned exactly', () => {
    const others: Ratings[] = [{ context: 1 }, { context: 1 }, { context: 2 }, { context: 2 }];
    const publish = halfPointBands(others, 5);
    expect(consistentCandidates(publish, { context: 1 }, 'context')).toEqual([1]);
    // The same example through the real digest: one of five at Often or above is "few" as much as none is.
    const real = realPublisher(others, { context: 1 });
    try {
      expect(consistentCandidates(real.publish, { context: 1 }, 'context')).toEqual([1, 2, 3, 4, 5]);
    } finally {
      real.close();
    }
  });

  test('half-point bands fail it on random groups too (the oracle can fail)', () => {
    const result = fc.check(
      fc.property(
        group(5),
        (members) => leastUncertainty(halfPointBands(members.slice(0, -1), 5), members.at(-1)!) >= 2,
      ),
      { numRuns: 200, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });
});
