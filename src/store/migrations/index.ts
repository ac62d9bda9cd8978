import type { Db } from '../db';
import { initial } from './001-initial';
import { requestKeys } from './002-request-keys';
import { schedule } from './003-schedule';
import { conversationReferences } from './004-conversation-references';
import { groups } from './005-groups';
import { privacy } from './006-privacy';
import { inboundEvents } from './007-inbound-events';
import { coveringCoachIndex } from './008-covering-coach-index';
import { groupDigests } from './009-group-digests';
import { platformMessages } from './010-platform-messages';
import { stableCoachNumbers } from './011-stable-coach-numbers';
import { deliveryStages } from './012-delivery-stages';
import { pendingTexts } from './013-pending-texts';
import { channelPosts } from './014-channel-posts';
import { coachProfile } from './015-coach-profile';
import { slackInstallations } from './018-slack-installations';
import { rubricVersion } from './019-rubric-version';
import { credentialJourney } from './020-credential-journey';
import { platformRates } from './021-platform-rates';
import { mentorCoaching } from './022-mentor-coaching';
import { mentorLogs } from './024-mentor-logs';
import { portfolioPicks } from './027-portfolio-picks';
import { selfChecksByTime } from './028-self-checks-by-time';
import { removalQueueIndex } from './029-removal-queue-index';

/** One schema change. `version` becomes the database's user_version once `sql` (or `run`) has run. */
export interface Migration {
  version: number;
  name: string;
  sql?: string;
  /** For a change that must read the schema first. Runs in the same transaction as `sql`. */
  run?: (db: Db) => void;
  /**
   * Rebuilds a table other tables reference: foreign keys are off while it runs (they cannot change inside a
   * transaction, and dropping the old table would cascade), and `PRAGMA foreign_key_check` must be empty to commit.
   */
  foreignKeysOff?: true;
}

/**
 * Every migration, in order. Versions only grow; a gap is allowed (work merged from parallel branches).
 * Never edit one that has shipped: add the next.
 */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  requestKeys,
  schedule,
  conversationReferences,
  groups,
  privacy,
  inboundEvents,
  coveringCoachIndex,
  groupDigests,
  platformMessages,
  stableCoachNumbers,
  deliveryStages,
  pendingTexts,
  channelPosts,
  coachProfile,
  slackInstallations,
  rubricVersion,
  credentialJourney,
  platformRates,
  mentorCoaching,
  mentorLogs,
  portfolioPicks,
  selfChecksByTime,
  removalQueueIndex,
];
