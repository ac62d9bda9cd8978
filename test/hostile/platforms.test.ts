import { expect } from '@jest/globals';
import { slackSignatureHeaders } from '../helpers/slack-signing';
import type { CountedTable } from './platform-case-kit';
import { SLACK_CASES, type SlackCase } from './platform-cases';
import { TEAMS_CASES, type TeamsCase } from './platform-cases-teams';
import { dmEvent, PlatformServer, SIGNING_SECRET, slackRequests, teamsMessage, teamsRequest } from './platform-runner';
import { runCase } from './runner';

/**
 * The hostile-input catalogue against the running server with Slack and Teams both on, as main.ts wires them:
 * each case gets a clean answer in its status range, changes exactly the rows it names (nothing stored half),
 * and the next good request is served normally.
 */

function delta(before: Record<CountedTable, number>, after: Record<CountedTable, number>) {
  const out: Partial<Record<CountedTable, number>> = {};
  for (const key of Object.keys(after) as CountedTable[]) {
    if (after[key] !== before[key]) out[key] = after[key] - before[key];
  }
  return out;
}

/** A status check that names the range in its failure message. */
function expectStatus(status: number, range: [number, number]) {
  const inRange = status >= range[0] && status <= range[1];
  expect({ status, in: inRange ? range : 'outside' }).toEqual({ status, in: range });
}

/** The newest note (or reflection), to check text was stored exactly. */
function newestText(server: PlatformServer, table: 'self_checks' | 'reflections'): string | null {
  const column = table === 'self_checks' ? 'note' : 'text';
  return server.app.db.prepare(`SELECT ${column} FROM ${table} ORDER BY id DESC LIMIT 1`).pluck().get() as
    | string
    | null;
}

/** A correctly signed quick check-in must be answered "saved" and store exactly one self-check. */
async function goodSlackCommand(server: PlatformServer, firstContact = false): Promise<void> {
  const [request] = slackRequests(server, { name: 'good', body: { command: '3 3 3 3 3 3' }, expect: [200, 200] });
  const before = server.counts().self_checks;
  const result = await runCase(server.port, request);
  await server.slack.idle();
  expect(result.status).toBe(200);
  // On first contact the answer goes to response_url after Slack's profile is fetched; later ones are in the ack.
  if (!firstContact) expect(result.body).toMatch(/saved/);
  expect(server.counts().self_checks - before).toBe(1);
}

/** Teams in emulator mode: a good selfcheck message is answered and stored once. */
async function goodTeamsMessage(server: PlatformServer): Promise<void> {
  const before = server.counts().self_checks;
  const sent = server.connector.activities().length;
  const res = await fetch(`http://127.0.0.1:${server.port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(teamsMessage(server.connector.url, 'selfcheck 2 2 2 2 2 2')),
  });
  expect(res.status).toBe(200);
  expect(server.counts().self_checks - before).toBe(1);
  expect(server.connector.activities().length).toBeGreaterThan(sent);
}

/** Opens today's prompt for the Slack coach (a DM "prompt"), on a new day so each case has a fresh one. */
async function openPrompt(server: PlatformServer): Promise<void> {
  server.clock.advance(24 * 60 * 60 * 1000);
  const body = dmEvent(server, 'prompt');
  const res = await fetch(`http://127.0.0.1:${server.port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...slackSignatureHeaders(SIGNING_SECRET, body, server.nowSeconds()),
    },
    body,
  });
  expect(res.status).toBe(200);
  await server.slack.idle();
}

describe.each(['authenticated', 'emulator'] as const)('Slack hostile input, Teams %s on the same server', (mode) => {
  const server = new PlatformServer(mode);
  beforeAll(async () => {
    await server.start();
    await goodSlackCommand(server, true); // registers the coach and caches their profile
  });
  afterAll(() => server.stop());

  // The whole Slack catalogue runs once; with Teams in emulator mode only a sample, to show Teams' mode changes nothing.
  const cases = mode === 'authenticated' ? SLACK_CASES : SLACK_CASES.filter((_c, i) => i % 5 === 0);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c: SlackCase) => {
    if (c.openPrompt) await openPrompt(server);
    const before = server.counts();
    const requests = slackRequests(server, c);
    const results = [];
    for (const request of requests) {
      results.push(await runCase(server.port, request));
      await server.slack.idle();
    }
    for (const result of results) expectStatus(result.status, c.expect);
    if (c.bodyMatches) expect(results[0].body).toMatch(c.bodyMatches);
    expect(delta(before, server.counts())).toEqual(c.stores ?? {});
    if (c.storedText !== undefined) {
      expect(newestText(server, c.stores?.reflections ? 'reflections' : 'self_checks')).toBe(c.storedText);
    }
    await goodSlackCommand(server);
  });

  it('the log names refusals but never the hostile text', () => {
    const log = server.logLines.join('\n');
    expect(log).toMatch(/slack request rejected|http request refused/);
    expect(log).not.toMatch(/DROP TABLE|שלום|nnnnnnnnnn|I waited, and the client spoke/);
    expect(log).not.toContain(SIGNING_SECRET);
  });
});

describe.each(['authenticated', 'emulator'] as const)('Teams hostile input, %s', (mode) => {
  const server = new PlatformServer(mode);
  beforeAll(async () => {
    await server.start();
    await goodSlackCommand(server, true);
    if (mode === 'emulator') await goodTeamsMessage(server); // registers the Teams coach and their conversation
  });
  afterAll(() => server.stop());

  const cases = TEAMS_CASES.filter((c) => c.server === mode);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c: TeamsCase) => {
    const before = server.counts();
    const sent = server.connector.activities().length;
    const result = await runCase(server.port, teamsRequest(server, c));
    expectStatus(result.status, c.expect);
    if (c.bodyMatches) expect(result.body).toMatch(c.bodyMatches);
    expect(delta(before, server.counts())).toEqual(c.stores ?? {});
    if (mode === 'authenticated') expect(server.connector.calls).toHaveLength(0);
    if (c.replyMatches) {
      const replies = server.connector.activities().slice(sent);
      expect(replies.map((r) => JSON.stringify(r.body)).join('\n')).toMatch(c.replyMatches);
    }
    // The next good request is served: Slack always (it shares the server); Teams too where it needs no token.
    await goodSlackCommand(server);
    if (mode === 'emulator') await goodTeamsMessage(server);
  });
});
