import { initial } from './001-initial';
import { requestKeys } from './002-request-keys';
import { schedule } from './003-schedule';
import { conversationReferences } from './004-conversation-references';
import { groups } from './005-groups';
import { privacy } from './006-privacy';
import { inboundEvents } from './007-inbound-events';
import { coveringCoachIndex } from './008-covering-coach-index';
import { deliveryStages } from './012-delivery-stages';

/** One schema change. `version` becomes the database's user_version once `sql` has run. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
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
  deliveryStages,
];
