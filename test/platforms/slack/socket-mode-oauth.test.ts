import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import WebSocket from 'ws';
import { type AppContext, createAppContext } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { HttpServer } from '../../../src/http/server';
import { createLogger } from '../../../src/log';
import { type SlackPlatform, startSlack } from '../../../src/platforms/slack/app';
import { inboundEventRepository } from '../../../src/store';
import { FakeSlackApi, type FakeWorkspace } from '../../helpers/fake-slack-api';
import { tempDbFile } from '../../helpers/temp-db';
import { waitFor } from '../../helpers/wait-for';

/**
 * "Add to Slack" with Socket Mode: events come over the WebSocket (a stand-in for Slack's on 127.0.0.1, whose
 * address apps.connections.open hands out), the install pages are served on the HTTP server, and each envelope is
 * answered with its own workspace's token from the installation store.
 */
describe('Socket Mode with "Add to Slack"', () => {
  const W: FakeWorkspace = {
    teamId: 'T0SOCK',
    botUserId: 'U0BOTS',
    botId: 'B0S',
    code: 'code-s',
    botToken: 'xoxb-s-1',
  };
  const fake = new FakeSlackApi({ clientId: '3333.4444', clientSecret: 'socket-client-secret' });
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
    fake.addWorkspace(W);
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
      SLACK_CLIENT_ID: '3333.4444',
      SLACK_CLIENT_SECRET: 'socket-client-secret',
      SLACK_STATE_SECRET: 'socket-state-secret-0123456789',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
      SLACK_APP_TOKEN: 'xapp-1-test',
      SLACK_API_URL: fake.url,
    });
    const log = createLogger('info', {}, (line) => logLines.push(line));
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
      installations: ctx.slackInstallations,
    });
    url = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
    await waitFor(() => socket, 'the socket');
  });

  afterAll(async () => {
    await slack?.stop();
    await waitFor(() => !socket || socket.readyState === WebSocket.CLOSED, 'the socket to close');
    await http?.close();
    ctx?.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await fake.stop();
    db.cleanup();
  });

  async function sendEnvelope(envelope: Record<string, unknown>) {
    socket?.send(JSON.stringify(envelope));
    return waitFor(
      () => received.find((m) => m.envelope_id === envelope.envelope_id),
      `the ack of ${envelope.envelope_id}`,
    );
  }

  test('installs over HTTP, then a command over the socket is answered with that workspace token', async () => {
    expect(slack.mode).toBe('socket');
    expect(slack.tokens).toBe('oauth');
    const page = await fetch(`${url}/slack/install`);
    const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const done = await fetch(`${url}/slack/oauth_redirect?code=${W.code}&state=${state}`, {
      headers: { cookie: `slack-app-oauth-state=${state}` },
    });
    expect(done.status).toBe(200);
    expect(ctx.slackInstallations.installedCount()).toBe(1);

    const acked = await sendEnvelope({
      envelope_id: 'env-c1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: W.teamId,
        user_id: 'U0COACH',
        command: '/selfcheck',
        text: '4 3 5 4 4 2',
        trigger_id: 'trig.s.1',
        channel_id: 'D0COACH',
        is_enterprise_install: 'false',
        response_url: `${fake.url}response/trig.s.1`,
      },
    });
    // Stored before the ack, first contact included: the ack itself says so.
    expect(String((acked.payload as { text?: unknown } | undefined)?.text)).toMatch(/self-check is saved/);
    expect(fake.callsTo('users.info').map((c) => c.token)).toEqual([W.botToken]);
  });

  test('app_uninstalled over the socket is acked and removes the tokens', async () => {
    await sendEnvelope({
      envelope_id: 'env-u1',
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
      payload: {
        team_id: W.teamId,
        api_app_id: 'A0TRELLIS',
        type: 'event_callback',
        event_id: 'Ev0UNINST',
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_uninstalled' },
      },
    });
    await waitFor(() => ctx.slackInstallations.installedCount() === 0 || undefined, 'the uninstall');
    expect(ctx.slackInstallations.queryFor(W.teamId)).toBeUndefined();
    expect(logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
