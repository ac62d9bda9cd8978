import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Installation } from '@slack/bolt';
import { rotateKey } from '../../src/store/encryption';
import { NOT_INSTALLED, UNINSTALLED_REASON } from '../../src/store/slack-installations';
import { containsText, newKey, openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';

/** A v2 installation as Bolt's InstallProvider builds it from oauth.v2.access. */
const installation = (team: string, token: string, org?: string): Installation =>
  ({
    team: org ? undefined : { id: team, name: team },
    enterprise: org ? { id: org, name: 'Org' } : undefined,
    user: { id: 'U0ADMIN', token: undefined, scopes: undefined },
    bot: {
      id: 'B0',
      userId: 'U0BOT',
      token,
      scopes: ['commands', 'chat:write'],
      refreshToken: 'xoxe-1-refresh',
      expiresAt: 2_000_000_000,
    },
    isEnterpriseInstall: Boolean(org),
    authVersion: 'v2',
    tokenType: 'bot',
  }) as Installation;

describe('slack installations store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('tokens are sealed with the notes key, encrypted at start if stored before the key, and follow rotate-key', async () => {
    const file = dir.file('t.db');
    const plain = openApp(file);
    await plain.slackInstallations.storeInstallation(installation('T0ONE', 'xoxb-TOKENMARK'));
    plain.db.pragma('wal_checkpoint(TRUNCATE)');
    plain.close();
    expect(containsText(file, 'xoxb-TOKENMARK')).toBe(true);

    const key = newKey();
    const sealed = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    expect(sealed.encryption.encryptedNow).toBe(1);
    sealed.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(containsText(file, 'xoxb-TOKENMARK')).toBe(false);
    expect(containsText(file, 'xoxe-1-refresh')).toBe(false);
    const next = newKey();
    expect(rotateKey(sealed.db, key, next, new Date())).toBe(1);
    sealed.close();

    const rotated = openApp(file, { TRELLIS_ENCRYPTION_KEY: next });
    const found = await rotated.slackInstallations.fetchInstallation({
      teamId: 'T0ONE',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(found.bot?.token).toBe('xoxb-TOKENMARK');
    expect(found.bot?.refreshToken).toBe('xoxe-1-refresh');
    rotated.close();
  });

  it('an org-wide install answers for its workspaces; an uninstall keeps other reasons and a reinstall resumes', async () => {
    const app = openApp(dir.file('o.db'));
    const store = app.slackInstallations;
    await store.storeInstallation(installation('T0W1', 'xoxb-org', 'E0ORG'));
    const viaWorkspace = await store.fetchInstallation({
      teamId: 'T0W1',
      enterpriseId: 'E0ORG',
      isEnterpriseInstall: false,
    });
    expect(viaWorkspace.bot?.token).toBe('xoxb-org');
    expect(store.queryFor('E0ORG')).toEqual({ teamId: undefined, enterpriseId: 'E0ORG', isEnterpriseInstall: true });
    await expect(
      store.fetchInstallation({ teamId: 'T0ELSE', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toThrow(NOT_INSTALLED);

    // Three coaches of the org: one reachable, one who left Slack, one a send found with a dead token.
    const [, left, dead] = ['U1', 'U2', 'U3'].map((user) =>
      app.trellis.coach({ platform: 'slack', tenant: 'E0ORG', user }),
    );
    const mark = app.db.prepare(
      'UPDATE coaches SET unreachable_since = ?, unreachable_reason = ?, next_due_utc = NULL WHERE id = ?',
    );
    mark.run('2026-11-20T00:00:00Z', 'Slack error: account_inactive', left.id);
    mark.run('2026-11-20T00:00:00Z', 'Slack error: token_revoked', dead.id);
    expect(store.markUninstalled({ teamId: 'T0W1', enterpriseId: 'E0ORG', isEnterpriseInstall: true })).toEqual({
      tenant: 'E0ORG',
      coaches: 2,
    });
    const reasons = () =>
      (
        app.db
          .prepare(
            "SELECT user_id, unreachable_reason AS r, next_due_utc AS due FROM coaches WHERE tenant = 'E0ORG' ORDER BY user_id",
          )
          .all() as {
          user_id: string;
          r: string | null;
          due: string | null;
        }[]
      ).map((c) => [c.user_id, c.r, c.due !== null]);
    expect(reasons()).toEqual([
      ['U1', UNINSTALLED_REASON, false],
      ['U2', 'Slack error: account_inactive', false],
      ['U3', UNINSTALLED_REASON, false],
    ]);
    expect(store.queryFor('E0ORG')).toBeUndefined();
    expect(store.installedCount()).toBe(0);
    expect(store.departedBefore('2026-11-24T09:00:00.000Z').map((d) => d.tenant)).toEqual(['E0ORG']);
    // Uninstalled twice (both events arrive): the first time stands.
    expect(store.markUninstalled({ teamId: 'T0W1', enterpriseId: 'E0ORG', isEnterpriseInstall: true })?.tenant).toBe(
      'E0ORG',
    );

    await store.storeInstallation(installation('T0W1', 'xoxb-org-2', 'E0ORG'));
    expect(reasons()).toEqual([
      ['U1', null, true],
      ['U2', 'Slack error: account_inactive', false],
      ['U3', null, true],
    ]);
    expect(store.departedBefore('2030-01-01T00:00:00.000Z')).toEqual([]);
    app.close();
  });
});
