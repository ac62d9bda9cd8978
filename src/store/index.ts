import type { Repositories } from '../core/ports';
import { coachRepository } from './coaches';
import type { Db } from './db';
import { promptIssueRepository } from './prompt-issues';
import { reflectionRepository } from './reflections';
import { selfCheckRepository } from './self-checks';

export {
  type ConversationReferenceRepository,
  conversationReferenceRepository,
  type ReferenceScope,
  type StoredConversationReference,
} from './conversation-references';
export { type Db, migrate, openDatabase, schemaVersion } from './db';

/** The repositories over one open database. */
export function createRepositories(db: Db, now: () => Date = () => new Date()): Repositories {
  return {
    coaches: coachRepository(db, now),
    selfChecks: selfCheckRepository(db),
    reflections: reflectionRepository(db),
    promptIssues: promptIssueRepository(db),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  };
}
