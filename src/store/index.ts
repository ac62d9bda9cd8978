import type { Repositories } from '../core/ports';
import { coachRepository } from './coaches';
import type { Db } from './db';
import { clientCompanyRepository, groupRepository, sharedReflectionRepository } from './groups';
import { promptIssueRepository } from './prompt-issues';
import { reflectionRepository } from './reflections';
import { selfCheckRepository } from './self-checks';
import { weeklyStatsRepository } from './weekly-stats';

export { type Db, migrate, openDatabase, schemaVersion } from './db';

/** The repositories over one open database. */
export function createRepositories(db: Db, now: () => Date = () => new Date()): Repositories {
  return {
    coaches: coachRepository(db, now),
    selfChecks: selfCheckRepository(db),
    reflections: reflectionRepository(db),
    promptIssues: promptIssueRepository(db),
    groups: groupRepository(db),
    sharedReflections: sharedReflectionRepository(db),
    clientCompanies: clientCompanyRepository(db),
    weeklyStats: weeklyStatsRepository(db),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
}
