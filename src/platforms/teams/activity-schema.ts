import { z } from 'zod';
import { RecentMap } from '../../recent-map';

/**
 * What an inbound activity must look like before botbuilder's CloudAdapter or the bot sees it: every field either
 * reads, with the type they read it as. Anything else is answered 400 naming the field, so a malformed activity
 * never becomes a TypeError inside a turn ("Something went wrong") or a 500 from a serializer or a bad URL.
 */

/** Hosts a plain-http service URL may name: the emulator and the tests serve the connector locally. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Service URLs already judged: Teams sends a handful (one per region), and parsing one as a URL was a sixth of what
 * checking an activity cost (bench/teams-turn's profile). Bounded, so a sender of endless new URLs grows nothing.
 */
const judged = new RecentMap<string, boolean>(64);

/** Where replies go: an https URL, or http to a loopback host (the emulator, a local connector). Never credentials. */
export function isServiceUrl(value: string): boolean {
  const known = judged.get(value);
  if (known !== undefined) return known;
  const ok = judgeServiceUrl(value);
  judged.set(value, ok);
  return ok;
}

function judgeServiceUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

const id = z.string().min(1).max(1_000);
const text = (max: number) => z.string().max(max).optional();

const account = z.looseObject({
  id,
  name: text(1_000),
  aadObjectId: text(200),
  role: text(50),
});

export const inboundActivity = z.looseObject({
  type: z.string().min(1).max(64),
  id: id.optional(),
  name: text(200),
  action: text(64),
  timestamp: text(64),
  localTimestamp: text(64),
  localTimezone: text(100),
  locale: text(64),
  serviceUrl: z.string().max(2_048).refine(isServiceUrl, 'an https URL (http only to a loopback host)'),
  channelId: z.string().min(1).max(100),
  // Every activity a channel sends names its sender; without one it would be filed under no real coach.
  from: account,
  // The bot itself: botbuilder and the install handler read its id.
  recipient: account,
  conversation: z.looseObject({
    id,
    conversationType: text(64),
    isGroup: z.boolean().optional(),
    tenantId: text(200),
    name: text(1_000),
  }),
  replyToId: id.optional(),
  text: z.string().optional(),
  textFormat: text(64),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
  entities: z.array(z.looseObject({ type: z.string() })).optional(),
  attachments: z.array(z.looseObject({ contentType: z.string() })).optional(),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string() }).optional(),
      team: z.looseObject({ id: z.string().optional() }).optional(),
      channel: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
    })
    .optional(),
});

/** The first problem as a field path and zod's word on it, for the 400 and the log: never the value sent. */
export function activityProblem(error: z.ZodError): { field: string; problem: string } {
  const issue = error.issues[0];
  return { field: issue?.path.map(String).join('.') || '(body)', problem: issue?.message ?? 'invalid' };
}
