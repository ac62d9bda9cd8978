import type { Repositories } from '../core/ports';
import { coachRepository } from './coaches';
import { comparisonRepository } from './comparisons';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';
import { guardStorage } from './errors';
import { groupDigestRepository } from './group-digests';
import { clientCompanyRepository, groupRepository, sharedReflectionRepository } from './groups';
import { mentorRepository } from './mentors';
import { pendingTextRepository } from './pending-texts';
import { portfolioPickRepository } from './portfolio-picks';
import { privacyRepository } from './privacy';
import { promptIssueRepository } from './prompt-issues';
import { reflectionRepository } from './reflections';
import { selfCheckRepository } from './self-checks';
import { journeyRepository } from './sessions';
import { weeklyStatsRepository } from './weekly-stats';

export {
  type ConversationReferenceRepository,
  conversationReferenceRepository,
  type ReferenceScope,
  type StoredConversationReference,
} from './conversation-references';
export { type Db, migrate, openDatabase, schemaVersion } from './db';
export { createGroupCommit, GroupCommit } from './group-commit';
export { inboundEventRepository } from './inbound-events';

/**
 * The repositories over one open database. `cipher` encrypts free text at rest (src/store/crypto.ts); a locked,
 * read-only or full database reaches the core as a TrellisError it can answer with (src/store/errors.ts).
 */
export function createRepositories(
  db: Db,
  now: () => Date = () => new Date(),
  cipher: TextCipher = plainTextCipher,
): Repositories {
  const repos = {
    coaches: coachRepository(db, now),
    selfChecks: selfCheckRepository(db, cipher),
    reflections: reflectionRepository(db, cipher),
    promptIssues: promptIssueRepository(db),
    groups: groupRepository(db),
    groupDigests: groupDigestRepository(db),
    sharedReflections: sharedReflectionRepository(db),
    clientCompanies: clientCompanyRepository(db, cipher),
    weeklyStats: weeklyStatsRepository(db),
    pendingTexts: pendingTextRepository(db, cipher),
    journey: journeyRepository(db, cipher),
    mentors: mentorRepository(db, cipher),
    comparisons: comparisonRepository(db),
    portfolioPicks: portfolioPickRepository(db),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
  return guardStorage({ ...repos, privacy: privacyRepository(db, repos) });
}
