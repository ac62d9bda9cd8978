/**
 * The catalogue of hostile and broken requests, as data. Each is sent raw over TCP (so it can lie about its length,
 * stream chunks without one, or stall) to a running server; the runner checks the status and that the server still
 * serves a good request afterwards. The Slack (/slack/events) and Teams (/api/messages) cases are in
 * platform-cases.ts: forged and replayed signatures, unknown action and callback ids, unauthenticated activities.
 */
export interface HostileCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** The body; a function for bodies built on demand (large ones). */
  body?: string | Buffer | (() => string | Buffer);
  /** Send the body with Transfer-Encoding: chunked and no Content-Length. */
  chunked?: boolean;
  /** A Content-Length that does not match the body (a lie). */
  declaredLength?: number;
  /** Send the head and this much of the body, then wait for the server (it must time out the request). */
  stallAfter?: number;
  /** Raw bytes instead of an HTTP request. */
  raw?: Buffer | string;
  /** Accepted statuses, inclusive. */
  expect: [number, number];
  /** Rows (self-checks + reflections) the request may add: 0 for every refusal. */
  stores?: number;
  /** The response body must match. */
  bodyMatches?: RegExp;
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const MB = 1024 * 1024;
const route = '/test/command';
const command = (text: string, user = 'hostile') => JSON.stringify({ user, text });

/** Cases that need only the shared server: /healthz and paths nobody serves. */
export const SERVER_CASES: HostileCase[] = [
  { name: 'health check', method: 'GET', path: '/healthz', expect: [200, 200] },
  { name: 'unknown path', method: 'GET', path: '/nope', expect: [404, 404] },
  {
    name: 'wrong method on a known path',
    method: 'POST',
    path: '/healthz',
    headers: json,
    body: '{}',
    expect: [405, 405],
  },
  { name: 'path traversal', method: 'GET', path: '/../../etc/passwd', expect: [400, 404] },
  { name: 'URL of 100,000 characters', method: 'GET', path: `/healthz?q=${'a'.repeat(100_000)}`, expect: [400, 431] },
  {
    name: 'header of 64 KiB',
    method: 'GET',
    path: '/healthz',
    headers: { 'x-big': 'b'.repeat(64 * 1024) },
    expect: [400, 431],
  },
  { name: 'not HTTP at all', method: '', path: '', raw: '\u0000\u0001\u0002 hello \r\n\r\n', expect: [400, 400] },
  {
    name: 'binary noise',
    method: '',
    path: '',
    raw: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)),
    expect: [400, 400],
  },
  {
    name: 'control characters in a header',
    method: '',
    path: '',
    raw: 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-evil: a\u0001b\r\n\r\n',
    expect: [400, 400],
  },
  {
    name: 'two different Content-Length headers',
    method: '',
    path: '',
    raw: 'POST /nope HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\nab',
    expect: [400, 400],
  },
  {
    name: 'oversized declared body on a route without a body',
    method: 'POST',
    path: '/healthz',
    headers: json,
    declaredLength: 5 * MB,
    body: '{}',
    expect: [405, 413],
  },
  {
    name: 'oversized body on GET /healthz',
    method: 'GET',
    path: '/healthz',
    headers: json,
    declaredLength: 5 * MB,
    body: 'x'.repeat(1024),
    expect: [413, 413],
  },
];

/** Cases for a route that declares its body (limit 1 MiB, JSON or form): the test route over the real core. */
export const ROUTE_CASES: HostileCase[] = [
  { name: 'good JSON command', method: 'POST', path: route, headers: json, body: command('help'), expect: [200, 200] },
  {
    name: 'good form submission',
    method: 'POST',
    path: route,
    headers: form,
    body: `user=hostile&form=${encodeURIComponent(JSON.stringify({ ratings: { context: '4', empathy: 3 }, note: 'ok' }))}`,
    expect: [200, 200],
    stores: 1,
  },
  {
    name: 'body that is not JSON',
    method: 'POST',
    path: route,
    headers: json,
    body: '{"user": "x", text: nope',
    expect: [400, 400],
  },
  { name: 'empty JSON body', method: 'POST', path: route, headers: json, body: '', expect: [400, 400] },
  {
    name: 'JSON that is not an object',
    method: 'POST',
    path: route,
    headers: json,
    body: '[1,2,3]',
    expect: [400, 400],
  },
  { name: 'JSON null', method: 'POST', path: route, headers: json, body: 'null', expect: [400, 400] },
  { name: 'missing fields', method: 'POST', path: route, headers: json, body: '{}', expect: [400, 400] },
  {
    name: 'unknown fields',
    method: 'POST',
    path: route,
    headers: json,
    body: '{"user":"x","text":"help","admin":true}',
    expect: [400, 400],
  },
  {
    name: 'field of the wrong type',
    method: 'POST',
    path: route,
    headers: json,
    body: '{"user":42,"text":["help"]}',
    expect: [400, 400],
  },
  {
    name: 'user id of 10,000 characters',
    method: 'POST',
    path: route,
    headers: json,
    body: command('help', 'u'.repeat(10_000)),
    expect: [400, 400],
  },
  {
    name: 'prototype pollution attempt',
    method: 'POST',
    path: route,
    headers: json,
    body: '{"user":"x","text":"help","__proto__":{"admin":true}}',
    expect: [200, 400],
  },
  {
    name: 'deeply nested JSON',
    method: 'POST',
    path: route,
    headers: json,
    body: () => `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
    expect: [400, 400],
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: route,
    headers: { 'content-type': 'text/plain' },
    body: 'help',
    expect: [415, 415],
  },
  { name: 'no content type', method: 'POST', path: route, body: command('help'), expect: [415, 415] },
  {
    name: 'XML',
    method: 'POST',
    path: route,
    headers: { 'content-type': 'application/xml' },
    body: '<user>x</user>',
    expect: [415, 415],
  },
  {
    name: 'multipart form data',
    method: 'POST',
    path: route,
    headers: { 'content-type': 'multipart/form-data; boundary=X' },
    body: '--X\r\ncontent-disposition: form-data; name="user"\r\n\r\nx\r\n--X--\r\n',
    expect: [415, 415],
  },
  {
    name: 'declared body of 5 MiB',
    method: 'POST',
    path: route,
    headers: json,
    declaredLength: 5 * MB,
    body: 'x'.repeat(64 * 1024),
    expect: [413, 413],
  },
  {
    name: 'lying Content-Length (says 10, sends 2 MiB)',
    method: 'POST',
    path: route,
    headers: json,
    declaredLength: 10,
    body: () => 'x'.repeat(2 * MB),
    expect: [400, 400],
  },
  {
    name: 'chunked 2 MiB without a length',
    method: 'POST',
    path: route,
    headers: json,
    chunked: true,
    body: () => `{"user":"x","text":"${'y'.repeat(2 * MB)}"}`,
    expect: [413, 413],
  },
  {
    name: 'chunked small body',
    method: 'POST',
    path: route,
    headers: json,
    chunked: true,
    body: command('help'),
    expect: [200, 200],
  },
  {
    name: 'Content-Length larger than the body, then silence',
    method: 'POST',
    path: route,
    headers: json,
    declaredLength: 1000,
    body: command('help'),
    stallAfter: 20,
    expect: [408, 408],
  },
  {
    name: 'invalid UTF-8 bytes',
    method: 'POST',
    path: route,
    headers: json,
    body: Buffer.concat([Buffer.from('{"user":"x","text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    expect: [200, 200],
    // Free text is never discarded: what arrived (replacement characters) is kept whole as a journal entry.
    stores: 1,
    bodyMatches: /Saved to your journal/,
  },
  {
    name: 'control characters in a note',
    method: 'POST',
    path: route,
    headers: json,
    body: command('/selfcheck 4 3 5 4 4 2 bell\u0007 nul\u0000 esc\u001b[2J end'),
    expect: [200, 200],
    stores: 1,
    bodyMatches: /saved/,
  },
  {
    name: 'right-to-left text',
    method: 'POST',
    path: route,
    headers: json,
    body: command('/selfcheck 4 4 4 4 4 4 -- שלום مرحبا \u202Eevil\u202C'),
    expect: [200, 200],
    stores: 1,
    bodyMatches: /saved/,
  },
  {
    name: 'emoji text',
    method: 'POST',
    path: route,
    headers: json,
    body: command('/selfcheck 4 4 4 4 4 4 👩🏽‍⚕️🇳🇵 🧑‍🤝‍🧑'),
    expect: [200, 200],
    stores: 1,
    bodyMatches: /saved/,
  },
  {
    name: 'SQL fragments',
    method: 'POST',
    path: route,
    headers: json,
    body: command("/selfcheck 4 4 4 4 4 4 x'); DROP TABLE self_checks; --"),
    expect: [200, 200],
    stores: 1,
    bodyMatches: /saved/,
  },
  {
    name: 'note of 100,000 characters',
    method: 'POST',
    path: route,
    headers: json,
    body: () => command(`/selfcheck 4 4 4 4 4 4 ${'n'.repeat(100_000)}`),
    expect: [200, 200],
    stores: 0,
    bodyMatches: /100,000 characters; the limit is 2,000/,
  },
  {
    name: 'ratings out of range',
    method: 'POST',
    path: route,
    headers: json,
    body: command('/selfcheck 9 4 4 4 4 0'),
    expect: [200, 200],
    stores: 0,
    bodyMatches: /out of range/,
  },
  {
    name: 'form ratings of the wrong type',
    method: 'POST',
    path: route,
    headers: json,
    body: JSON.stringify({
      user: 'x',
      form: { ratings: { context: { $gt: 1 }, respect: [5], talents: true, empathy: 3.5 } },
    }),
    expect: [422, 422],
    stores: 0,
  },
  {
    name: 'form with an unknown behaviour',
    method: 'POST',
    path: route,
    headers: json,
    body: JSON.stringify({ user: 'x', form: { ratings: { hacking: 5 } } }),
    expect: [422, 422],
    stores: 0,
  },
];
