import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import WebSocket from 'ws';
import { type AppContext, createAppContext } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { HttpServer } from '../../../src/http/server';
import { createLogger } from '../../../src/log';
import { type SlackPlatform, startSlack } from '../../../src/platforms/slack/app';
import { inboundEventRepository } from '../../../src/store';
import { FakeSlackApi } from '../../helpers/fake-slack-api';
import { selfCheckValues } from '../../helpers/slack-harness';
import { tempDbFile } from '../../helpers/temp-db';
import { waitFor } from '../../helpers/wait-for';

/**
 * Socket Mode against a stand-in for Slack's WebSocket endpoint on 127.0.0.1: apps.connections.open on the fake
 * Web API hands out its URL, it says hello, sends envelopes, and records the acks. Real Slack cannot be reached
 * from the tests; this checks Trellis's side of the protocol.
 */
describe('Slack over Socket Mode', () => {
  const fake = new FakeSlackApi({ teamId: 'T0TEAM' });
  // ws 7 (what @slack/socket-mode brings): the server class is WebSocket.Server.
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
  const received: Record<string, unknown>[] = [];
  const logLines: string[] = [];
  let socket: WebSocket | undefined;
  const db = tempDbFile();
  let ctx: AppContext;
  let http: HttpServer;
  let slack: SlackPlatform;
  let url = '';

  beforeAll(async () => {
    await fake.start();
    if (!wss.address()) await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    fake.respond((call) => (call.method === 'apps.connections.open' ? { json: { ok: true, url: wsUrl } } : undefined));
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => received.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TRELLIS' } }));
    });
    const config = loadConfig({
      TRELLIS_DB: db.file,
      TRELLIS_TZ: 'UTC',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
      SLACK_APP_TOKEN: 'xapp-1-test',
      SLACK_API_URL: fake.url,
    });
    const log = createLogger('warn', {}, (line) => logLines.push(line));
    ctx = createAppContext(config, { log });
    http = new HttpServer(log);
    slack = await startSlack({
      config: config.slack!,
      trellis: ctx.trellis,
      inbound: inboundEventRepository(ctx.db),
      commits: ctx.commits,
      clock: ctx.clock,
      log,
      http,
    });
    url = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
  });

  afterAll(async () => {
    await slack?.stop();
    // Let the close handshake finish before the server goes, or the client waits 30 s for it.
    await waitFor(() => !socket || socket.readyState === WebSocket.CLOSED, 'the socket to close');
    await http?.close();
    ctx?.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await fake.stop();
    db.cleanup();
  });

  test('connects with the app-level token and does not serve the HTTP request URL', async () => {
    expect(slack.mode).toBe('socket');
    const open = fake.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0].headers.authorization).toBe('Bearer xapp-1-test');
    expect((await fetch(`${url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  test('a slash command envelope is acked over the socket and the check-in is recorded once', async () => {
    const envelope = {
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: 'T0TEAM',
        user_id: 'U3SOCK',
        command: '/selfcheck',
        text: '4 3 5 4 4 2',
        trigger_id: 'trig.sock.1',
        channel_id: 'D3SOCK',
        response_url: `${fake.url}response/trig.sock.1`,
      },
    };
    socket?.send(JSON.stringify(envelope));
    const ack = await waitFor(() => received.find((m) => m.envelope_id === 'env-1'), 'the ack');
    // First contact too: the check-in is stored before the ack, which carries the answer.
    expect(String((ack.payload as { text?: unknown } | undefined)?.text)).toMatch(/Thanks, your self-check is saved/);
    expect(ctx.repos.selfChecks.count()).toBe(1);
    // Slack resends an envelope it thinks was missed; the trigger id keeps it to one check-in.
    socket?.send(JSON.stringify({ ...envelope, envelope_id: 'env-2' }));
    await waitFor(() => received.find((m) => m.envelope_id === 'env-2'), 'the second ack');
    expect(ctx.repos.selfChecks.count()).toBe(1);
    expect(logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });

  /** Sends an envelope as Slack's socket does and waits for Trellis's ack of it (envelope_id, optional payload). */
  async function sendEnvelope(envelope: Record<string, unknown>) {
    socket?.send(JSON.stringify(envelope));
    return waitFor(
      () => received.find((m) => m.envelope_id === envelope.envelope_id),
      `the ack of ${envelope.envelope_id}`,
    );
  }

  test('a modal submit arrives over the socket: errors go back in the ack, a good one is saved and answered in the DM', async () => {
    const opened = await sendEnvelope({
      envelope_id: 'env-open',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: 'T0TEAM',
        user_id: 'U3SOCK',
        command: '/selfcheck',
        text: '',
        trigger_id: 'trig.sock.2',
        channel_id: 'D3SOCK',
        response_url: `${fake.url}response/trig.sock.2`,
      },
    });
    expect(opened.payload ?? {}).toEqual({});
    const view = (await waitFor(() => fake.callsTo('views.open')[0], 'the modal')).body.view as Record<string, unknown>;
    const submit = (id: string, viewId: string, values: ReturnType<typeof selfCheckValues>) =>
      sendEnvelope({
        envelope_id: id,
        type: 'interactive',
        accepts_response_payload: true,
        payload: {
          type: 'view_submission',
          team: { id: 'T0TEAM', domain: 'example' },
          user: { id: 'U3SOCK', username: 'u3sock', team_id: 'T0TEAM' },
          api_app_id: 'A0TRELLIS',
          trigger_id: `trig.${id}`,
          view: { ...view, id: viewId, team_id: 'T0TEAM', type: 'modal', state: { values }, hash: '1.a' },
        },
      });
    // Nothing rated: Slack shows the error beside the field, from the ack's payload.
    const refused = await submit('env-view-1', 'V0SOCK1', selfCheckValues([undefined, '-', '-', '-', '-', '-']));
    expect(refused.payload).toMatchObject({
      response_action: 'errors',
      errors: { context: expect.stringMatching(/Rate at least one/) },
    });
    expect(ctx.repos.selfChecks.count()).toBe(1);
    const accepted = await submit(
      'env-view-2',
      'V0SOCK2',
      selfCheckValues(['5', '4', '4', '3', '4', '5'], 'over the socket'),
    );
    expect(accepted.payload ?? {}).toEqual({});
    // The coach's DMs: the welcome (their first contact, over the socket too), then the acknowledgement.
    const dms = () => fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'D3SOCK');
    await waitFor(() => dms()[1], 'the DM');
    expect(String(dms()[0].body.text)).toMatch(/^Welcome to Trellis/);
    expect(String(dms()[1].body.text)).toMatch(/Thanks, your self-check is saved/);
    expect(ctx.repos.selfChecks.count()).toBe(2);
  });

  test('an Events API envelope (a reply in the DM) is acked over the socket, saved once, and answered in the DM', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    const event = (id: string, retry: number) => ({
      envelope_id: id,
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: retry,
      retry_reason: retry ? 'timeout' : '',
      payload: {
        team_id: 'T0TEAM',
        api_app_id: 'A0TRELLIS',
        type: 'event_callback',
        event_id: 'Ev0SOCK1',
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
        event: {
          type: 'message',
          channel: 'D3SOCK',
          channel_type: 'im',
          user: 'U3SOCK',
          text: 'I let the silence run longer today',
          ts: '1700000100.000100',
          event_ts: '1700000100.000100',
        },
      },
    });
    await sendEnvelope(event('env-ev-1', 0));
    await waitFor(() => fake.callsTo('chat.postMessage').length > before || undefined, 'the answer in the DM');
    const coach = ctx.repos.coaches.find({ platform: 'slack', tenant: 'T0TEAM', user: 'U3SOCK' });
    const saved = ctx.repos.reflections.recent(coach?.id ?? 0, 5);
    expect(saved.map((r) => r.text)).toEqual(['I let the silence run longer today']);
    // Slack resends the same event over the socket: acked, and the event id keeps it to one entry.
    await sendEnvelope(event('env-ev-2', 1));
    await slack.idle();
    expect(ctx.repos.reflections.recent(coach?.id ?? 0, 5)).toHaveLength(1);
    expect(
      fake
        .callsTo('chat.postMessage')
        .slice(before)
        .every((c) => c.body.channel === 'D3SOCK'),
    ).toBe(true);
    expect(logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
