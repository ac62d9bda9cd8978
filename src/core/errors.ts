/** A coded error whose message tells the user what to fix. */
export class TrellisError extends Error {
  constructor(
    readonly code: TrellisErrorCode,
    message: string,
    /** For the log only (never shown): what lay behind it, e.g. "SQLITE_BUSY: the database is busy". */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'TrellisError';
  }

  /** Set when the store runs the same work again once it can (a write that met the lock): nothing to report yet. */
  willRetry = false;
}

export type TrellisErrorCode =
  | 'invalid_ratings'
  | 'invalid_note'
  | 'invalid_reflection'
  | 'invalid_setting'
  | 'unknown_command'
  | 'no_prompt'
  | 'config'
  | 'no_group'
  | 'no_reflection'
  | 'prompts'
  | 'storage_unavailable'
  | 'no_data'
  | 'invalid_journal'
  | 'invalid_session'
  | 'unknown_coach';

export function isTrellisError(error: unknown): error is TrellisError {
  return error instanceof TrellisError;
}

/**
 * Why a send to a platform failed, so delivery knows what to do next: wait and retry (rate_limited), back off and
 * retry (transient), stop trying this recipient (unreachable: the coach left, the bot is not in the channel), or
 * stop this send because the platform refuses the bot itself (refused: a revoked token, a missing scope), which
 * says nothing about the recipient.
 */
export type DeliveryErrorKind = 'rate_limited' | 'transient' | 'unreachable' | 'refused';

/** A permanent answer: trying the same call again cannot succeed. */
export const isPermanent = (kind: DeliveryErrorKind) => kind === 'unreachable' || kind === 'refused';

export class DeliveryError extends Error {
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    /** For rate_limited: how long the platform asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
