import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { type AppContext, createAppContext } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { DeliveryError } from '../../../src/core/errors';
import { message } from '../../../src/core/message';
import type { CoachRef } from '../../../src/core/model';
import type { Clock } from '../../../src/core/ports';
import { createLogger } from '../../../src/log';
import { BOT_SCOPES } from '../../../src/platforms/slack/oauth';
import { createScheduler } from '../../../src/schedule';
import { type RunningServer, startServer } from '../../../src/server';
import { UNINSTALLED_REASON } from '../../../src/store/slack-installations';
import { FixedClock } from '../../helpers/clock';
import { FakeSlackApi, type FakeWorkspace } from '../../helpers/fake-slack-api';
import { selfCheckValues } from '../../helpers/slack-harness';
import { interactionBody, slackSignatureHeaders } from '../../helpers/slack-signing';
import { tempDbFile } from '../../helpers/temp-db';
import { waitFor } from '../../helpers/wait-for';

/**
 * "Add to Slack" end to end: the install page, Slack's redirect with its grant code (oauth.v2.access on the fake
 * Slack), the installation sealed in SQLite, and then two workspaces whose coaches (with the same user id in
 * both) are each spoken to with their own workspace's token; a rotated token; an uninstall that removes the
 * tokens and stops every send; a reinstall that resumes; and the retention window after which the data goes.
 */

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'fake-client-secret-0123';
const STATE_SECRET = 'state-secret-0123456789abcdef';
/** The same user id in both workspaces: Slack user ids are unique only within one. */
const USER = 'U0SAME';
const DM = 'D0SAME';

const A: FakeWorkspace = { teamId: 'T0AAA', botUserId: 'U0BOTA', botId: 'B0A', code: 'code-a', botToken: 'xoxb-a-1' };
/** Token rotation on, and the first token close to expiry: its first use swaps it for a fresh one. */
const B: FakeWorkspace = {
  teamId: 'T0BBB',
  botUserId: 'U0BOTB',
  botId: 'B0B',
  code: 'code-b',
  botToken: 'xoxb-b-1',
  refreshToken: 'xoxe-1-b',
  expiresIn: 600,
};
/** An Enterprise Grid organisation, installed org-wide: one installation for all its workspaces. */
const ORG: FakeWorkspace = {
  teamId: 'T0CCC',
  enterpriseId: 'E0ORG',
  orgWide: true,
  botUserId: 'U0BOTC',
  botId: 'B0C',
  code: 'code-org',
  botToken: 'xoxb-org-1',
};

describe('"Add to Slack" for many workspaces', () => {
  const fake = new FakeSlackApi({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const clock = new FixedClock('2026-11-24T08:00:00Z'); // a Tuesday
  const db = tempDbFile();
  const logLines: string[] = [];
  let ctx: AppContext;
  let server: RunningServer;
  let url = '';
  let n = 0;

  beforeAll(async () => {
    await fake.start();
    for (const ws of [A, B, ORG]) fake.addWorkspace(ws);
    const config = loadConfig({
      TRELLIS_DB: db.file,
      TRELLIS_TZ: 'UTC',
      TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
    });
    expect(config.uninstallRetentionDays).toBe(30);
    ctx = createAppContext(config, {
      clock: clock as Clock,
      log: createLogger('debug', {}, (line) => logLines.push(line)),
    });
    server = await startServer(ctx, {
      port: 0,
      host: '127.0.0.1',
      platforms: ['slack'],
      scheduler: false,
      slackSleep: async () => undefined,
    });
    url = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop();
    ctx?.close();
    await fake.stop();
    db.cleanup();
  });

  /** The install page: its state cookie, and the Slack authorize URL its button links to. */
  async function installPage() {
    const res = await fetch(`${url}/slack/install`);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    const state = /slack-app-oauth-state=([^;]+)/.exec(cookie)?.[1];
    const href = /href="([^"]+)"/.exec(await res.text())?.[1]?.replace(/&amp;/g, '&');
    if (!state || !href) throw new Error('the install page carried no state or link');
    return { state, authorize: new URL(href), cookie: `slack-app-oauth-state=${state}` };
  }

  /** Slack's redirect back to Trellis after the admin allowed the app, in the browser that started it. */
  async function install(ws: FakeWorkspace, code = ws.code) {
    const { state, cookie } = await installPage();
    return fetch(`${url}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
    });
  }

  function signed(body: string, contentType: string) {
    return fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...slackSignatureHeaders(SIGNING_SECRET, body, Math.floor(clock.now().getTime() / 1000)),
      },
      body,
    });
  }

  /** A slash command from a workspace (or from a workspace of an org-wide install). */
  async function command(ws: FakeWorkspace, text: string) {
    const triggerId = `trig.${ws.teamId}.${++n}`;
    const body = new URLSearchParams({
      team_id: ws.teamId,
      team_domain: 'example',
      ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
      is_enterprise_install: ws.orgWide ? 'true' : 'false',
      channel_id: DM,
      channel_name: 'directmessage',
      user_id: USER,
      user_name: 'same',
      command: '/selfcheck',
      text,
      api_app_id: 'A0TRELLIS',
      response_url: `${fake.url}response/${triggerId}`,
      trigger_id: triggerId,
    }).toString();
    const res = await signed(body, 'application/x-www-form-urlencoded');
    const ack = await res.text();
    await server.slack?.idle();
    return { status: res.status, triggerId, ack };
  }

  async function event(ws: FakeWorkspace, payload: Record<string, unknown>) {
    const body = JSON.stringify({
      team_id: ws.teamId,
      ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
      api_app_id: 'A0TRELLIS',
      event: payload,
      type: 'event_callback',
      event_id: `Ev${++n}`,
      event_time: Math.floor(clock.now().getTime() / 1000),
      is_enterprise_install: ws.orgWide === true,
      authorizations: [{ team_id: ws.teamId, user_id: ws.botUserId, is_bot: true }],
    });
    const res = await signed(body, 'application/json');
    await server.slack?.idle();
    return res.status;
  }

  const ref = (tenant: string): CoachRef => ({ platform: 'slack', tenant, user: USER });
  const row = (tenant: string) =>
    ctx.db.prepare('SELECT installation, uninstalled_at FROM slack_installations WHERE tenant = ?').get(tenant) as
      | { installation: string | null; uninstalled_at: string | null }
      | undefined;
  const postsWith = (token: string) => fake.callsWith(token).filter((c) => c.method === 'chat.postMessage');
  const keyOf = (call: { body: Record<string, unknown> }) =>
    String((call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '');
  const runDue = () => createScheduler(ctx, server.messengers).runDue(clock.now());

  test('the install page links to Slack with every scope and a state that only this browser can bring back', async () => {
    expect(server.slack?.tokens).toBe('oauth');
    const { authorize, state } = await installPage();
    expect(authorize.origin + authorize.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('scope')?.split(',')).toEqual([...BOT_SCOPES]);
    expect(authorize.searchParams.get('state')).toBe(state);

    // The state of another browser's install (the cookie does not match it): refused, no code exchanged.
    const mine = await installPage();
    const theirs = await installPage();
    const crossed = await fetch(`${url}/slack/oauth_redirect?code=${A.code}&state=${theirs.state}`, {
      headers: { cookie: mine.cookie },
    });
    expect(crossed.status).toBe(400);
    expect(await crossed.text()).toMatch(/not valid here.*different browser/s);
    // A state Trellis never signed, in a cookie that matches it: refused as well.
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.bm90LXNpZ25lZA';
    const forgedRes = await fetch(`${url}/slack/oauth_redirect?code=${A.code}&state=${forged}`, {
      headers: { cookie: `slack-app-oauth-state=${forged}` },
    });
    expect(forgedRes.status).toBe(400);
    // No state at all.
    expect((await fetch(`${url}/slack/oauth_redirect?code=${A.code}`)).status).toBe(400);
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(0);
    expect(ctx.slackInstallations.installedCount()).toBe(0);
  });

  test('two workspaces and an org install; each installation is sealed at rest, one row per workspace or org', async () => {
    for (const ws of [A, B, ORG]) {
      const done = await install(ws);
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Trellis is installed.');
    }
    const exchanges = fake.callsTo('oauth.v2.access');
    expect(exchanges.map((c) => c.body.code)).toEqual([A.code, B.code, ORG.code]);
    expect(exchanges.every((c) => c.body.client_id === CLIENT_ID && c.body.client_secret === CLIENT_SECRET)).toBe(true);
    // A code is good once: the same redirect again is refused, and nothing changes.
    const again = await install(A);
    expect(again.status).toBe(502);
    expect(ctx.slackInstallations.installedCount()).toBe(3);

    const raw = new Database(db.file, { readonly: true });
    const rows = raw
      .prepare('SELECT tenant, is_enterprise_install, installation, bot_token_expires_at FROM slack_installations')
      .all() as { tenant: string; is_enterprise_install: number; installation: string; bot_token_expires_at: number }[];
    raw.close();
    expect(rows.map((r) => [r.tenant, r.is_enterprise_install]).sort()).toEqual([
      ['E0ORG', 1],
      ['T0AAA', 0],
      ['T0BBB', 0],
    ]);
    for (const r of rows) {
      expect(r.installation).toMatch(/^enc:v1:/);
      expect(r.installation).not.toMatch(/xox[be]-/);
    }
    expect(rows.find((r) => r.tenant === 'T0BBB')?.bot_token_expires_at).toBeGreaterThan(0);
  });

  test('the same user id in two workspaces is two coaches, each answered with their own workspace token', async () => {
    // Quick check-ins: first contact reads the coach's profile with the workspace's own token.
    for (const ws of [A, B]) {
      const { status, triggerId } = await command(ws, '4 3 5 4 4 2');
      expect(status).toBe(200);
      const answer = await waitFor(() => fake.callsTo(`response/${triggerId}`)[0], 'the answer');
      expect(String(answer.body.text)).toMatch(/self-check is saved/);
    }
    // B's first token was near expiry: Bolt's authorize swapped it for a fresh one before its first use.
    const refreshes = fake.callsTo('oauth.v2.access').filter((c) => c.body.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].body.refresh_token).toBe(B.refreshToken);
    const bToken = 'xoxb-b-1-r1';
    const profiles = fake.callsTo('users.info');
    expect(profiles.map((c) => c.token)).toEqual([A.botToken, bToken]);
    expect(fake.callsWith(B.botToken).filter((c) => c.method !== 'auth.test')).toHaveLength(0);

    const a = ctx.repos.coaches.find(ref(A.teamId));
    const b = ctx.repos.coaches.find(ref(B.teamId));
    expect(a && b && a.id !== b.id).toBe(true);
    expect(ctx.repos.selfChecks.recent(a?.id ?? 0, 5)).toHaveLength(1);
    expect(ctx.repos.selfChecks.recent(b?.id ?? 0, 5)).toHaveLength(1);

    // The modal: opened with B's token from B, submitted, and its acknowledgement DMed with B's token.
    await command(B, '');
    const opened = fake.callsTo('views.open').at(-1);
    expect(opened?.token).toBe(bToken);
    const view = opened?.body.view as Record<string, unknown>;
    const submit = await signed(
      interactionBody({
        type: 'view_submission',
        team: { id: B.teamId, domain: 'b' },
        user: { id: USER, username: 'same', team_id: B.teamId },
        api_app_id: 'A0TRELLIS',
        trigger_id: `trig.${++n}`,
        view: {
          ...view,
          id: 'V0B1',
          team_id: B.teamId,
          type: 'modal',
          state: { values: selfCheckValues(['5', '5', '5', '5', '5', '5']) },
        },
      }),
      'application/x-www-form-urlencoded',
    );
    expect(submit.status).toBe(200);
    await server.slack?.idle();
    expect(postsWith(bToken).map((c) => c.body.channel)).toEqual([DM]);
    expect(postsWith(A.botToken)).toHaveLength(0);
    expect(ctx.repos.selfChecks.recent(b?.id ?? 0, 5)).toHaveLength(2);
    expect(ctx.repos.selfChecks.recent(a?.id ?? 0, 5)).toHaveLength(1);
  });

  test('a workspace of the org-wide install is answered with the org token, its coach under the org', async () => {
    const { triggerId } = await command(ORG, 'history');
    await waitFor(() => fake.callsTo(`response/${triggerId}`)[0], 'the answer');
    expect(fake.callsTo('users.info').at(-1)?.token).toBe(ORG.botToken);
    expect(ctx.repos.coaches.find(ref('E0ORG'))).toBeDefined();
    expect(ctx.repos.coaches.find(ref('T0CCC'))).toBeUndefined();
  });

  test('scheduled prompts go to each coach with their own workspace token', async () => {
    clock.set('2026-11-24T09:00:00Z');
    const before = fake.callsTo('chat.postMessage').length;
    await runDue();
    const sent = fake.callsTo('chat.postMessage').slice(before);
    const prompts = sent.filter((c) => keyOf(c).startsWith('prompt:'));
    expect(prompts.map((c) => c.token).sort()).toEqual([A.botToken, 'xoxb-b-1-r1', ORG.botToken].sort());
    expect(sent.every((c) => c.body.channel === DM)).toBe(true);
    // Everything the tick sent (the weekly summary too) went with the token of its coach's workspace.
    const coachOf = { [A.botToken]: ref(A.teamId), 'xoxb-b-1-r1': ref(B.teamId), [ORG.botToken]: ref('E0ORG') };
    for (const call of sent) {
      const coach = ctx.repos.coaches.find(coachOf[call.token ?? '']);
      expect(keyOf(call)).toMatch(new RegExp(`:coach:${coach?.id}:`));
    }
  });

  test("a delete in workspace B removes Trellis's messages there with B's token and leaves A's", async () => {
    const aPosts = fake.posted.get(DM)?.length ?? 0;
    const { ack } = await command(B, 'delete messages confirm');
    expect(ack).toMatch(/Trellis is removing its 3 messages and files/);
    await server.removals.run();
    const deletes = fake.callsTo('chat.delete');
    // B's acknowledgement, prompt and weekly summary; none of A's or the org's, which share the channel id.
    expect(deletes).toHaveLength(3);
    expect(deletes.every((c) => c.token === 'xoxb-b-1-r1')).toBe(true);
    // The last word, the count, goes to B's coach with B's token too.
    const report = fake.callsTo('chat.postMessage').at(-1);
    expect(report?.token).toBe('xoxb-b-1-r1');
    expect(String(report?.body.text)).toMatch(/Trellis removed 3 of its messages and files/);
    expect(fake.posted.get(DM)?.length).toBe(aPosts - 3 + 1);
    const left = (fake.posted.get(DM) ?? []).map((m) => keyOf({ body: m }));
    expect(left.filter((k) => k.includes(`:coach:${ctx.repos.coaches.find(ref(B.teamId))?.id}:`))).toEqual([]);
    expect(left.length).toBeGreaterThan(0);
  });

  test('app_uninstalled removes that workspace tokens at once and nothing more is sent there', async () => {
    clock.set('2026-11-24T18:00:00Z');
    expect(await event(A, { type: 'app_uninstalled' })).toBe(200);
    fake.revoke(A.botToken);
    const gone = row(A.teamId);
    expect(gone?.installation).toBeNull();
    expect(gone?.uninstalled_at).toBe('2026-11-24T18:00:00.000Z');
    const coach = ctx.db
      .prepare("SELECT unreachable_reason, next_due_utc FROM coaches WHERE tenant = 'T0AAA'")
      .get() as { unreachable_reason: string; next_due_utc: string | null };
    expect(coach).toEqual({ unreachable_reason: UNINSTALLED_REASON, next_due_utc: null });

    const aCalls = fake.callsWith(A.botToken).length;
    // The next morning: B and the org get their prompts; A's coach gets nothing.
    clock.set('2026-11-25T09:00:00Z');
    await runDue();
    expect(fake.callsWith(A.botToken)).toHaveLength(aCalls);
    expect(postsWith('xoxb-b-1-r1').filter((c) => keyOf(c).startsWith('prompt:'))).toHaveLength(2);
    expect(postsWith(ORG.botToken).filter((c) => keyOf(c).startsWith('prompt:'))).toHaveLength(2);
    // A send to A (a digest, a notice) is refused for good with the reason, and no call goes out.
    const coachA = ctx.repos.coaches.find(ref(A.teamId));
    const messenger = server.slack?.messenger;
    await expect(messenger?.sendDirect(coachA!, message('hello'), 'k1')).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'Trellis is not installed in this Slack workspace',
    });
    await expect(
      messenger?.sendToChannel({ tenant: A.teamId, channelId: 'C0A' }, message('digest'), 'k2'),
    ).rejects.toBeInstanceOf(DeliveryError);
    // A command from A after the uninstall: Bolt finds no installation, the coach is told nothing and nothing is stored.
    const checks = ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5).length;
    const { status, triggerId } = await command(A, '4 4 4 4 4 4');
    expect(status).toBe(200);
    expect(fake.callsTo(`response/${triggerId}`)).toHaveLength(0);
    expect(ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(checks);
    expect(fake.callsWith(A.botToken)).toHaveLength(aCalls);
    expect(logLines.some((l) => l.includes('slack uninstalled: tokens removed'))).toBe(true);
  });

  test('a reinstall within the window resumes the coaches where they were', async () => {
    const A2: FakeWorkspace = { ...A, code: 'code-a2', botToken: 'xoxb-a-2' };
    fake.addWorkspace(A2);
    clock.set('2026-11-25T12:00:00Z');
    expect((await install(A2)).status).toBe(200);
    expect(row(A.teamId)?.uninstalled_at).toBeNull();
    clock.set('2026-11-26T09:00:00Z');
    await runDue();
    expect(postsWith(A2.botToken).map((c) => keyOf(c).split(':')[0])).toEqual(['prompt']);
    const coachA = ctx.repos.coaches.find(ref(A.teamId));
    expect(ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(1); // the journal is still there
  });

  test('tokens_revoked for the bot uninstalls too; the data goes after TRELLIS_UNINSTALL_RETENTION_DAYS', async () => {
    clock.set('2026-11-26T12:00:00Z');
    // Only user tokens revoked: Trellis holds none, so nothing changes.
    await event(A, { type: 'tokens_revoked', tokens: { oauth: ['U0ADMIN'] } });
    expect(row(A.teamId)?.installation).not.toBeNull();
    await event(A, { type: 'tokens_revoked', tokens: { bot: [A.botUserId] } });
    expect(row(A.teamId)?.installation).toBeNull();

    const coachA = ctx.repos.coaches.find(ref(A.teamId));
    // 29 days on: kept.
    clock.set('2026-12-25T12:00:00Z');
    ctx.trellis.runRetention(clock.now());
    expect(ctx.repos.coaches.find(ref(A.teamId))).toBeDefined();
    // 30 days on: deleted as a coach's own delete deletes; the other workspaces are untouched.
    clock.set('2026-12-26T12:00:01Z');
    ctx.trellis.runRetention(clock.now());
    expect(ctx.repos.coaches.find(ref(A.teamId))).toBeUndefined();
    expect(ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(0);
    expect(row(A.teamId)).toBeUndefined();
    expect(ctx.repos.coaches.find(ref(B.teamId))).toBeDefined();
    expect(ctx.repos.coaches.find(ref('E0ORG'))).toBeDefined();
    const audit = ctx.db
      .prepare("SELECT actor FROM audit_log WHERE action = 'delete' AND coach_id = ?")
      .all(coachA?.id ?? 0) as { actor: string }[];
    expect(audit).toEqual([{ actor: 'uninstall-retention' }]);
    // Nothing was queued for removal in a workspace Trellis can no longer speak to.
    expect(ctx.db.prepare("SELECT count(*) AS n FROM platform_messages WHERE tenant = 'T0AAA'").get()).toEqual({
      n: 0,
    });
  });

  test('manifest.yml asks for the same scopes, redirects to /slack/oauth_redirect and allows org-wide installs', () => {
    const manifest = parseYaml(readFileSync('manifest.yml', 'utf8')) as {
      oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
      settings: { org_deploy_enabled: boolean };
    };
    expect(manifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(manifest.oauth_config.redirect_urls.map((u) => new URL(u).pathname)).toEqual(['/slack/oauth_redirect']);
    expect(manifest.settings.org_deploy_enabled).toBe(true);
  });
});
