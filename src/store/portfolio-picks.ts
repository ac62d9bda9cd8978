import type { PortfolioPickRepository } from '../core/portfolio-model';
import type { Db } from './db';

/** The reflections a coach ticked for their portfolio (migration 27): ids only, the text stays in reflections. */
export function portfolioPickRepository(db: Db): PortfolioPickRepository {
  // Only the coach's own reflection can be picked: the INSERT reads it from reflections with the coach's id.
  const add = db.prepare<[string, number, number]>(
    `INSERT INTO portfolio_picks (coach_id, reflection_id, picked_at)
     SELECT coach_id, id, ? FROM reflections WHERE coach_id = ? AND id = ?
     ON CONFLICT (coach_id, reflection_id) DO NOTHING`,
  );
  const mine = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM reflections WHERE coach_id = ? AND id = ?',
  );
  const remove = db.prepare<[number, number]>('DELETE FROM portfolio_picks WHERE coach_id = ? AND reflection_id = ?');
  const list = db.prepare<[number], { reflection_id: number }>(
    'SELECT reflection_id FROM portfolio_picks WHERE coach_id = ? ORDER BY reflection_id',
  );
  return {
    pick(coachId, reflectionId, at) {
      if ((mine.get(coachId, reflectionId) as { n: number }).n === 0) return 'unknown';
      return add.run(at, coachId, reflectionId).changes === 1 ? 'added' : 'already';
    },
    unpick: (coachId, reflectionId) => remove.run(coachId, reflectionId).changes === 1,
    picks: (coachId) => list.all(coachId).map((r) => r.reflection_id),
  };
}
