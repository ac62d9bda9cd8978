import type { Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isTrellisError } from '../../core/errors';
import { type Message, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Logger, WriteBatcher } from '../../core/ports';
import type { Trellis } from '../../core/trellis';
import { FAILED, type ViewArgs } from './listener-kit';
import type { ProfileHint, SlackProfiles } from './profiles';

/**
 * Ack after the write: Slack does not retry a request it got an HTTP 200 for, so a write the coach is told about
 * (or that an empty ack closes a modal over) is committed before the ack. These are the pieces the listeners share.
 */

/**
 * How long a request waits for users.info before it writes without it (Slack wants the ack within 3 s; the write
 * and the ack need a few milliseconds). A coach's time zone is filled in when the lookup answers later.
 */
export const PROFILE_BUDGET_MS = 1_000;

/** The context property the HTTP receiver puts on an Events API request: call it once the event's write is committed. */
export const RELEASE_ACK = 'trellisReleaseAck';

/**
 * Lets the HTTP answer to an event go (see receiver.ts: Bolt acknowledges events before any listener runs, so the
 * receiver holds that 200 until this is called or the listener has finished). With `stored` false nothing could be
 * stored: the answer is a 500, and Slack retries the event. In Socket Mode there is nothing to hold.
 */
export function releaseAck(context: Context, stored = true): void {
  const release = context[RELEASE_ACK];
  if (typeof release === 'function') release(stored);
}

/** Ids for the log line about a refused write: never the text the coach sent. */
export interface RefusedFields {
  path: string;
  ref: CoachRef;
  requestKey?: string;
}

/**
 * A write the store refused (locked, read-only or full database) is logged with ids and the error's kind; the coach
 * hears it from the reply. Returns whether it was one.
 */
export function logRefusedWrite(log: Logger, error: unknown, fields: RefusedFields): boolean {
  let detail: string | undefined;
  if (isTrellisError(error) && error.code === 'storage_unavailable') detail = error.detail;
  else {
    // A repository outside the core's guard (the event claims) throws SQLite's own error: its code says as much.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) detail = code;
  }
  if (detail === undefined) return false;
  log.warn('slack write refused', {
    path: fields.path,
    tenant: fields.ref.tenant,
    user: fields.ref.user,
    requestKey: fields.requestKey,
    kind: 'storage_unavailable',
    detail,
  });
  return true;
}

/**
 * The coach's Slack profile for a request that writes before its ack: what Slack says within PROFILE_BUDGET_MS,
 * else nothing. `fillLater` (awaited after the ack) stores the time zone and name once users.info has answered,
 * unless the coach has meanwhile deleted their data; `late` says there is such an answer still to come.
 */
export async function profileBeforeAck(
  deps: { profiles: SlackProfiles; trellis: Trellis; commits: WriteBatcher; log: Logger },
  client: WebClient,
  ref: CoachRef,
): Promise<{ hint: ProfileHint; fillLater(): Promise<void>; late: boolean }> {
  const { hint, pending } = await deps.profiles.lookupWithin(client, ref.tenant, ref.user, PROFILE_BUDGET_MS);
  return {
    hint,
    late: pending !== undefined,
    // A method, not a constant arrow function: no per-request naming under tsx (see receiver.ts).
    async fillLater() {
      if (!pending) return;
      const late = await pending;
      if (!late.timeZone && !late.displayName) return;
      await deps.commits
        .run(() => {
          if (deps.trellis.knows(ref)) deps.trellis.coach(ref, late);
        })
        .catch((error: unknown) => {
          if (!logRefusedWrite(deps.log, error, { path: 'profile', ref })) throw error;
        });
    },
  };
}

/** A DM Slack will bring back (answered 500) because the disk is full or read-only: the coach need not resend it. */
export const NOT_STORED_YET =
  'Trellis could not save your message yet: its storage is full or read-only at the moment. Slack will hand it to Trellis again over the next few minutes, so there is no need to send it again; if it still cannot be saved, you will be told.';

/** Slack's Events API retries an event it got no 200 for three times (immediately, after 1 and after 5 minutes). */
const SLACK_EVENT_RETRIES = 3;

/**
 * Whether an event answered 500 now will come back: over HTTP, unless this is already Slack's last retry. In Socket
 * Mode there is no HTTP answer to hold (and no retry), so the coach must be told instead.
 */
export function slackRetriesLater(context: Context): boolean {
  return typeof context[RELEASE_ACK] === 'function' && (context.retryNum ?? 0) < SLACK_EVENT_RETRIES;
}

/**
 * A button's write made after its ack (the reply goes to the DM or the response_url): through the group commit, so
 * a lock held a moment (the WAL checkpoint) is waited out instead of losing the press. What the coach is told when it
 * cannot be stored: the refusal's own words, or FAILED (logged; nothing of it was stored).
 */
export async function writeAfterAck(
  deps: { commits: WriteBatcher; log: Logger },
  fields: RefusedFields,
  work: () => Message,
): Promise<Message> {
  try {
    return await deps.commits.run(work);
  } catch (error) {
    if (isTrellisError(error)) {
      logRefusedWrite(deps.log, error, fields);
      return message(error.message);
    }
    deps.log.error('slack button failed; nothing was stored', {
      path: fields.path,
      tenant: fields.ref.tenant,
      user: fields.ref.user,
      error,
    });
    return message(FAILED);
  }
}

/**
 * A modal's submission stored before its ack, through the group commit (Slack sends a submission once; the empty ack
 * that follows closes the modal). When it cannot be stored the modal stays open with the coach's words in it and
 * says so beside `field`, and this returns undefined; a crash or a bug is thrown on too (app.error logs it).
 */
export async function storeBeforeModalAck<T extends object>(
  deps: { commits: WriteBatcher; log: Logger },
  ack: ViewArgs['ack'],
  fields: RefusedFields & { field: string },
  work: () => T,
): Promise<T | undefined> {
  try {
    return await deps.commits.run(work);
  } catch (error) {
    logRefusedWrite(deps.log, error, fields);
    await ack({
      response_action: 'errors',
      errors: { [fields.field]: isTrellisError(error) ? error.message : FAILED },
    });
    if (isTrellisError(error)) return undefined;
    throw error;
  }
}
