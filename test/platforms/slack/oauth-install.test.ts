import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { BOT_SCOPES } from '../../../src/platforms/slack/oauth';
import { A, B, CLIENT_ID, CLIENT_SECRET, OAuthHarness, ORG } from '../../helpers/oauth-harness';

/**
 * "Add to Slack", the admin's side: the install page, Slack's redirect with its grant code (oauth.v2.access on the
 * fake Slack), the state check, and the installations as SQLite keeps them (sealed, one per workspace or org).
 */
describe('"Add to Slack": installing', () => {
  const h = new OAuthHarness();

  beforeAll(() => h.start([A, B, ORG]));
  afterAll(() => h.stop());

  test('the install page links to Slack with every scope and a state that only this browser can bring back', async () => {
    expect(h.server.slack?.tokens).toBe('oauth');
    expect(h.ctx.config.uninstallRetentionDays).toBe(30);
    const { authorize, state } = await h.installPage();
    expect(authorize.origin + authorize.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('scope')?.split(',')).toEqual([...BOT_SCOPES]);
    expect(authorize.searchParams.get('state')).toBe(state);

    // The state of another browser's install (the cookie does not match it): refused, no code exchanged.
    const mine = await h.installPage();
    const theirs = await h.installPage();
    const crossed = await h.redirect(`code=${A.code}&state=${theirs.state}`, mine.cookie);
    expect(crossed.status).toBe(400);
    expect(await crossed.text()).toMatch(/not valid here.*different browser/s);
    // A state Trellis never signed, in a cookie that matches it: refused as well.
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.bm90LXNpZ25lZA';
    expect((await h.redirect(`code=${A.code}&state=${forged}`, `slack-app-oauth-state=${forged}`)).status).toBe(400);
    // No state at all; and an admin who pressed Cancel at Slack.
    expect((await h.redirect(`code=${A.code}`)).status).toBe(400);
    const cancelled = await h.redirect(`error=access_denied&state=${mine.state}`, mine.cookie);
    expect(cancelled.status).toBe(400);
    expect(await cancelled.text()).toMatch(/cancelled/);
    expect(h.fake.callsTo('oauth.v2.access')).toHaveLength(0);
    expect(h.ctx.slackInstallations.installedCount()).toBe(0);
    // A browser's stale or crossed link is logged as a warning, not as Trellis failing.
    expect(h.logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(h.logLines.filter((l) => l.includes('slack installation refused'))).toHaveLength(3);
    expect(h.logLines.filter((l) => l.includes('slack installation cancelled'))).toHaveLength(1);
  });

  test('two workspaces and an org install; each installation is sealed at rest, one row per workspace or org', async () => {
    for (const ws of [A, B, ORG]) {
      const done = await h.install(ws);
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Trellis is installed.');
    }
    const exchanges = h.fake.callsTo('oauth.v2.access');
    expect(exchanges.map((c) => c.body.code)).toEqual([A.code, B.code, ORG.code]);
    expect(exchanges.every((c) => c.body.client_id === CLIENT_ID && c.body.client_secret === CLIENT_SECRET)).toBe(true);
    // A code is good once: the same redirect again is refused, and nothing changes.
    const again = await h.install(A);
    expect(again.status).toBe(502);
    expect(await again.text()).not.toContain(A.code);
    expect(h.logLines.some((l) => l.includes('slack installation failed') && l.includes('invalid_code'))).toBe(true);
    expect(h.ctx.slackInstallations.installedCount()).toBe(3);

    const raw = new Database(h.dbFile, { readonly: true });
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
    // Token rotation: the refresh token is sealed with the rest, the expiry kept beside it.
    expect(rows.find((r) => r.tenant === 'T0BBB')?.bot_token_expires_at).toBeGreaterThan(0);
    expect(h.logLines.join('\n')).not.toMatch(/xox[be]-/);
  });

  test('installing again updates the workspace row; the new token is the one used', async () => {
    const A2 = { ...A, code: 'code-a-again', botToken: 'xoxb-a-again' };
    h.fake.addWorkspace(A2);
    expect((await h.install(A2)).status).toBe(200);
    expect(h.ctx.slackInstallations.installedCount()).toBe(3);
    const { ack } = await h.command(A, 'history');
    expect((JSON.parse(ack) as { response_type?: unknown }).response_type).toBe('ephemeral');
    expect(h.fake.callsTo('users.info').map((c) => c.token)).toEqual([A2.botToken]);
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
