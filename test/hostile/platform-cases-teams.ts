/** The Teams half of the platform catalogue (see platform-cases.ts): activities, or raw bytes, for /api/messages. */
import { type CountedTable, EMOJI, MB, NOTE_100K, RTL, SQL, TEAMS_USER } from './platform-case-kit';

/** A Teams case: an activity (or raw bytes) posted to /api/messages. */
export interface TeamsCase {
  name: string;
  /** Which server: with credentials set (every request must authenticate) or in emulator mode. */
  server: 'authenticated' | 'emulator';
  /** An activity: a personal message with this text and these fields replaced (null removes one). */
  activity?: { text?: string; set?: Record<string, unknown> };
  raw?: string | (() => string);
  contentType?: string | null;
  /** The Authorization header: none, garbage, or a self-made JWT for our app id. */
  auth?: 'none' | 'garbage' | 'self-signed';
  chunked?: boolean;
  declaredLength?: number;
  expect: [number, number];
  bodyMatches?: RegExp;
  stores?: Partial<Record<CountedTable, number>>;
  /** The bot's reply (to the fake Bot Connector) must match. */
  replyMatches?: RegExp;
}

/** The coach's Allow on a file consent card, as Teams invokes the bot with it. */
const fileConsentAccept = (context: unknown, uploadInfo: Record<string, unknown>): TeamsCase['activity'] => ({
  set: {
    type: 'invoke',
    name: 'fileConsent/invoke',
    value: { type: 'fileUpload', action: 'accept', context, uploadInfo },
  },
});

export const TEAMS_CASES: TeamsCase[] = [
  // ---- credentials set: nothing unauthenticated gets in ----
  {
    name: 'no Authorization header',
    server: 'authenticated',
    activity: { text: 'selfcheck 4 4 4 4 4 4' },
    auth: 'none',
    expect: [401, 401],
  },
  {
    name: 'garbage bearer token',
    server: 'authenticated',
    activity: { text: 'selfcheck 4 4 4 4 4 4' },
    auth: 'garbage',
    expect: [401, 401],
  },
  {
    name: 'self-signed JWT',
    server: 'authenticated',
    activity: { text: 'selfcheck 4 4 4 4 4 4' },
    auth: 'self-signed',
    expect: [401, 401],
  },
  {
    name: 'unknown activity type without a token',
    server: 'authenticated',
    activity: { set: { type: 'exfiltrate' } },
    auth: 'self-signed',
    expect: [401, 401],
  },
  {
    name: 'huge text without a token',
    server: 'authenticated',
    activity: { text: `selfcheck 4 4 4 4 4 4 ${NOTE_100K}` },
    auth: 'garbage',
    expect: [401, 401],
  },
  { name: 'body that is not JSON', server: 'authenticated', raw: '{"type": "message", ', expect: [400, 400] },
  { name: 'JSON that is not an activity', server: 'authenticated', raw: '{"hello":1}', expect: [400, 400] },
  { name: 'text/plain body', server: 'authenticated', raw: '{}', contentType: 'text/plain', expect: [415, 415] },
  { name: 'no content type', server: 'authenticated', raw: '{}', contentType: null, expect: [415, 415] },
  {
    name: 'form body',
    server: 'authenticated',
    raw: 'type=message',
    contentType: 'application/x-www-form-urlencoded',
    expect: [415, 415],
  },
  { name: 'declared body of 5 MiB', server: 'authenticated', raw: '{}', declaredLength: 5 * MB, expect: [413, 413] },
  {
    name: 'chunked 2 MiB without a length',
    server: 'authenticated',
    raw: () => `{"text":"${'y'.repeat(2 * MB)}"}`,
    chunked: true,
    expect: [413, 413],
  },
  {
    name: 'lying Content-Length (says 10, sends 2 MiB)',
    server: 'authenticated',
    raw: () => 'x'.repeat(2 * MB),
    declaredLength: 10,
    expect: [400, 400],
  },

  // ---- emulator mode: the activity reaches the bot, which must cope ----
  {
    name: 'activity without a conversation',
    server: 'emulator',
    activity: { text: 'help', set: { conversation: null } },
    expect: [400, 400],
  },
  {
    name: 'activity without a serviceUrl',
    server: 'emulator',
    activity: { text: 'help', set: { serviceUrl: null } },
    expect: [400, 400],
  },
  {
    name: 'activity without a type',
    server: 'emulator',
    activity: { text: 'help', set: { type: null } },
    expect: [400, 400],
  },
  {
    name: 'activity without a sender',
    server: 'emulator',
    activity: { text: 'selfcheck 4 4 4 4 4 4', set: { from: null } },
    expect: [200, 500],
  },
  { name: 'message without text', server: 'emulator', activity: {}, expect: [200, 200] },
  {
    name: 'text that is a number',
    server: 'emulator',
    activity: { set: { text: 42 } },
    // Refused before botbuilder, naming the field (it was a TypeError inside the turn).
    expect: [400, 400],
  },
  { name: 'unknown activity type', server: 'emulator', activity: { set: { type: 'exfiltrate' } }, expect: [200, 200] },
  {
    name: 'invoke of an unknown name',
    server: 'emulator',
    activity: { set: { type: 'invoke', name: 'drop/tables', value: {} } },
    expect: [200, 501],
  },
  {
    name: 'file consent answer with a forged context and a file: upload URL',
    server: 'emulator',
    activity: fileConsentAccept({ $where: '1' }, { uploadUrl: 'file:///' }),
    expect: [400, 400],
    replyMatches: /could not read your answer/,
  },
  {
    name: 'file consent accept of a portfolio file with a period that is not one',
    server: 'emulator',
    activity: fileConsentAccept(
      {
        kind: 'trellis-portfolio',
        file: 'portfolio-pdf',
        period: { from: '2026-13-01', to: "'; DROP TABLE coaches; --" },
        tenant: 'tenant-1',
        user: `aad-${TEAMS_USER}`,
      },
      {
        name: 'trellis-portfolio.pdf',
        uploadUrl: 'https://uploads.contoso.example/session',
        contentUrl: 'https://contoso.example/file',
        uniqueId: 'u-2',
        fileType: 'pdf',
      },
    ),
    expect: [400, 400],
    replyMatches: /could not read your answer/,
  },
  {
    name: 'file consent accept with a plain-http upload URL off this machine',
    server: 'emulator',
    activity: fileConsentAccept(
      { kind: 'trellis-export', file: 'export', tenant: 'tenant-1', user: `aad-${TEAMS_USER}` },
      {
        name: 'trellis-export.json',
        uploadUrl: 'http://uploads.contoso.example/session',
        contentUrl: 'https://contoso.example/file',
        uniqueId: 'u-1',
        fileType: 'json',
      },
    ),
    expect: [400, 400],
    replyMatches: /upload address I cannot trust/,
  },
  {
    name: 'card submit with ratings of the wrong type',
    server: 'emulator',
    activity: {
      set: { value: { action: 'selfcheck_submit', context: { $gt: 1 }, respect: [5], talents: '9', note: 7 } },
    },
    expect: [200, 200],
  },
  {
    name: 'message with 100,000 characters',
    server: 'emulator',
    activity: { text: `selfcheck 4 4 4 4 4 4 ${NOTE_100K}` },
    expect: [200, 200],
    replyMatches: /100,000 characters; the limit is 2,000/,
  },
  {
    name: 'SQL fragments, right-to-left and emoji in a note',
    server: 'emulator',
    activity: { text: `selfcheck 4 4 4 4 4 4 -- ${SQL} ${RTL} ${EMOJI}` },
    expect: [200, 200],
    stores: { self_checks: 1 },
    replyMatches: /saved/,
  },
];
