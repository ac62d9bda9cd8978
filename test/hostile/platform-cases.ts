/**
 * Hostile and broken requests for the platform routes, as data: POST /slack/events (Slack, signed as Slack signs,
 * or not) and POST /api/messages (Teams, with credentials set, and separately in emulator mode). The runner in
 * platform-runner.ts turns each case into bytes (signing it when asked) and sends it raw over TCP to the running
 * server, so a case can lie about its length or stream chunks without one. Every case names the rows it may add;
 * any other change to the counted tables fails it, and after every case a good request must be served normally.
 * This file holds the Slack cases; the Teams cases are in platform-cases-teams.ts, what both share in
 * platform-case-kit.ts.
 */
import { type CountedTable, EMOJI, MB, NOTE_100K, RTL, SQL } from './platform-case-kit';

/** Slack's state for one self-check rating select: values[behaviour].rating. */
export type RatingState = unknown;

/** What goes in the body of a Slack case; the runner builds Slack's exact shapes from it. */
export type SlackBody =
  | { command: string; omit?: string[]; triggerId?: string }
  | { view: { callbackId: string; ratings?: Record<string, RatingState>; note?: unknown; omitId?: boolean } }
  | { action: string; value?: string }
  | { dm: string; eventId?: string }
  | { json: unknown }
  | { raw: string | (() => string) };

export type Signing =
  /** Signed with the app's secret at the server's time. */
  | 'good'
  /** No x-slack-signature or timestamp headers. */
  | 'none'
  /** A well-formed signature made with another secret. */
  | 'wrong-secret'
  /** A signature of the right shape that is no HMAC at all. */
  | 'forged'
  /** Correctly signed, 5 minutes and 1 second ago (a replay from outside the window). */
  | 'stale';

export interface SlackCase {
  name: string;
  body: SlackBody;
  /** Default: form for commands, views and actions; JSON for events and `json`. */
  contentType?: string | null;
  sign?: Signing;
  /** Sent this many times, byte for byte (same signature, timestamp, trigger id, event id). Default 1. */
  times?: number;
  /** Repeats carry Slack's retry headers (x-slack-retry-num), as an Events API retry does. */
  retryHeaders?: boolean;
  /** Give the coach an open prompt first (a DM "prompt"), so a plain DM reply is saved as a reflection. */
  openPrompt?: boolean;
  chunked?: boolean;
  declaredLength?: number;
  /** Accepted statuses of every answer, inclusive. */
  expect: [number, number];
  /** The (first) answer's body must match. */
  bodyMatches?: RegExp;
  /** Rows added in the counted tables; every table not named must not change. */
  stores?: Partial<Record<CountedTable, number>>;
  /** After the case, the newest note or reflection must read exactly this (stored verbatim). */
  storedText?: string;
}

const selected = (value: unknown) => ({
  type: 'static_select',
  selected_option: { value, text: { type: 'plain_text', text: 'x' } },
});
const allRatings = (state: RatingState) => ({
  context: state,
  respect: state,
  talents: state,
  empathy: state,
  feelings: state,
  openness: state,
});

export const SLACK_CASES: SlackCase[] = [
  // ---- bodies and content types ----
  {
    name: 'signed body that is not JSON',
    body: { raw: '{"type": "event_callback", ' },
    contentType: 'application/json',
    expect: [400, 400],
  },
  { name: 'signed form body without a payload or command', body: { raw: 'hello=world&x' }, expect: [400, 400] },
  { name: 'signed payload= that is not JSON', body: { raw: 'payload=%7Bnope' }, expect: [400, 400] },
  { name: 'signed JSON array', body: { json: [1, 2, 3] }, expect: [400, 400] },
  { name: 'signed JSON null', body: { json: null }, expect: [400, 400] },
  { name: 'text/plain body', body: { raw: 'command=/selfcheck' }, contentType: 'text/plain', expect: [415, 415] },
  { name: 'no content type', body: { raw: '{}' }, contentType: null, expect: [415, 415] },
  { name: 'XML', body: { raw: '<event/>' }, contentType: 'application/xml', expect: [415, 415] },
  {
    name: 'multipart form data',
    body: { raw: '--X\r\ncontent-disposition: form-data; name="command"\r\n\r\n/selfcheck\r\n--X--\r\n' },
    contentType: 'multipart/form-data; boundary=X',
    expect: [415, 415],
  },
  { name: 'declared body of 5 MiB', body: { raw: 'x'.repeat(1024) }, declaredLength: 5 * MB, expect: [413, 413] },
  {
    name: 'lying Content-Length (says 10, sends 2 MiB)',
    body: { raw: () => 'x'.repeat(2 * MB) },
    declaredLength: 10,
    sign: 'none',
    expect: [400, 401],
  },
  {
    name: 'chunked 2 MiB without a length',
    body: { raw: () => `payload=${'y'.repeat(2 * MB)}` },
    chunked: true,
    expect: [413, 413],
  },
  {
    name: 'chunked small signed command',
    body: { command: '4 4 4 4 4 4' },
    chunked: true,
    expect: [200, 200],
    bodyMatches: /saved/,
    stores: { self_checks: 1 },
  },

  // ---- signatures and replays ----
  { name: 'unsigned command', body: { command: '4 4 4 4 4 4' }, sign: 'none', expect: [401, 401] },
  { name: 'forged signature', body: { command: '4 4 4 4 4 4' }, sign: 'forged', expect: [401, 401] },
  {
    name: 'signature from the wrong secret',
    body: { command: '4 4 4 4 4 4' },
    sign: 'wrong-secret',
    expect: [401, 401],
  },
  { name: 'replay older than five minutes', body: { command: '4 4 4 4 4 4' }, sign: 'stale', expect: [401, 401] },
  {
    name: 'forged signature on a DM reply',
    body: { dm: 'a forged reflection' },
    openPrompt: true,
    sign: 'wrong-secret',
    expect: [401, 401],
  },
  {
    name: 'the same signed command three times within the window',
    body: { command: '4 3 5 4 4 2 once' },
    times: 3,
    expect: [200, 200],
    bodyMatches: /saved/,
    stores: { self_checks: 1 },
  },
  {
    name: 'the same signed modal submission twice (same view id)',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('4')), note: { value: 'twice' } } },
    times: 2,
    expect: [200, 200],
    stores: { self_checks: 1 },
  },
  {
    name: 'Events API retries of a DM reply (x-slack-retry-num)',
    body: { dm: 'I waited, and the client spoke.' },
    openPrompt: true,
    times: 3,
    retryHeaders: true,
    expect: [200, 200],
    stores: { reflections: 1, inbound_events: 1 },
    storedText: 'I waited, and the client spoke.',
  },

  // ---- unknown ids and missing fields ----
  { name: 'unknown action_id', body: { action: 'drop_tables', value: '1' }, expect: [200, 200] },
  {
    name: 'known action_id with a value that is not an id',
    body: { action: 'skip', value: '1; DROP' },
    expect: [200, 200],
  },
  {
    name: 'unknown callback_id',
    body: { view: { callbackId: 'nope', ratings: allRatings(selected('4')) } },
    expect: [200, 200],
  },
  {
    name: 'slash command without a trigger id',
    body: { command: '4 4 4 4 4 4', omit: ['trigger_id'] },
    expect: [200, 200],
    bodyMatches: /incomplete/,
  },
  {
    name: 'slash command without a user',
    body: { command: '4 4 4 4 4 4', omit: ['user_id', 'user_name'] },
    expect: [200, 200],
    bodyMatches: /incomplete/,
  },
  {
    name: 'slash command without the command',
    body: { command: '4 4 4 4 4 4', omit: ['command'] },
    expect: [400, 400],
  },
  {
    name: 'view submission without a view id',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('4')), omitId: true } },
    // Refused by the receiver before Bolt, naming the field.
    expect: [400, 400],
    bodyMatches: /incomplete Slack payload.*view\.id/,
  },
  {
    name: 'Events API callback without an event',
    body: { json: { type: 'event_callback', team_id: 'T0TEAM', event_id: 'Ev0NOEVENT' } },
    expect: [400, 400],
  },

  // ---- ratings of the wrong kind in the modal ----
  {
    name: 'modal rating 9',
    body: { view: { callbackId: 'selfcheck', ratings: { ...allRatings(selected('4')), context: selected('9') } } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'modal rating "abc"',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('abc')) } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'modal rating values that are arrays',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected(['4', '5'])) } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'modal rating values that are objects',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected({ $gt: 1 })) } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'modal rating states that are arrays and numbers',
    body: { view: { callbackId: 'selfcheck', ratings: { ...allRatings(selected('4')), respect: [1, 2], talents: 5 } } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'modal ratings 0 and 3.5',
    body: { view: { callbackId: 'selfcheck', ratings: { ...allRatings(selected('0')), empathy: selected('3.5') } } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },

  // ---- long, strange and hostile text ----
  {
    name: 'quick command with a note of 100,000 characters',
    body: { command: `4 4 4 4 4 4 ${NOTE_100K}` },
    expect: [200, 200],
    bodyMatches: /100,000 characters; the limit is 2,000/,
  },
  {
    name: 'modal with a note of 100,000 characters',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('4')), note: { value: NOTE_100K } } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors".*2,000/,
  },
  {
    name: 'modal note that is an object',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('4')), note: { value: { $ne: null } } } },
    expect: [200, 200],
    bodyMatches: /"response_action":"errors"/,
  },
  {
    name: 'DM reply of 100,000 characters',
    body: { dm: NOTE_100K },
    openPrompt: true,
    expect: [200, 200],
    // Slack cuts messages at 40,000 characters, so a longer "DM" is not Slack's: acknowledged and ignored.
  },
  {
    name: 'control characters in a quick note',
    body: { command: '4 3 5 4 4 2 bell\u0007 nul\u0000 esc\u001b[2J end' },
    expect: [200, 200],
    bodyMatches: /saved/,
    stores: { self_checks: 1 },
    // The core drops control characters other than tab and newline (cleanText), and keeps the rest exactly.
    storedText: 'bell nul esc[2J end',
  },
  {
    name: 'right-to-left text in a quick note',
    body: { command: `4 4 4 4 4 4 -- ${RTL}` },
    expect: [200, 200],
    bodyMatches: /saved/,
    stores: { self_checks: 1 },
    storedText: RTL,
  },
  {
    name: 'emoji in a modal note',
    body: { view: { callbackId: 'selfcheck', ratings: allRatings(selected('5')), note: { value: EMOJI } } },
    expect: [200, 200],
    stores: { self_checks: 1 },
    storedText: EMOJI,
  },
  {
    name: 'SQL fragments in a quick note',
    body: { command: `4 4 4 4 4 4 -- ${SQL}` },
    expect: [200, 200],
    bodyMatches: /saved/,
    stores: { self_checks: 1 },
    storedText: SQL,
  },
  {
    name: 'SQL fragments in a DM reply',
    body: { dm: SQL },
    openPrompt: true,
    expect: [200, 200],
    stores: { reflections: 1, inbound_events: 1 },
    storedText: SQL,
  },
];
