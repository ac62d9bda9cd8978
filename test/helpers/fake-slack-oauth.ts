/**
 * The fake Slack's side of "Add to Slack" (FakeSlackApi.oauth): workspaces that can install the app through
 * oauth.v2.access, the bot tokens issued for them (auth.test and every other call answer as the token's own
 * workspace), token rotation, and tokens Slack no longer accepts.
 */

/** A workspace (or Enterprise Grid org) the fake can install Trellis in through oauth.v2.access. */
export interface FakeWorkspace {
  teamId: string;
  teamName?: string;
  /** With `orgWide`, an org-wide install: oauth.v2.access answers `team: null` and `is_enterprise_install: true`. */
  enterpriseId?: string;
  orgWide?: boolean;
  botUserId: string;
  botId?: string;
  /** The grant code Slack hands the admin's browser on the redirect. */
  code: string;
  /** The bot token the grant is exchanged for. */
  botToken: string;
  /** Token rotation on: the grant also carries a refresh token, and the token expires in `expiresIn` seconds. */
  refreshToken?: string;
  expiresIn?: number;
}

export class FakeSlackOAuth {
  /** Workspaces by grant code, and by every bot token and refresh token issued for them. */
  private readonly grants = new Map<string, FakeWorkspace>();
  private readonly byToken = new Map<string, FakeWorkspace>();
  private readonly byRefresh = new Map<string, FakeWorkspace>();
  /** Tokens Slack no longer accepts (an uninstall, a revocation, a rotated-away token): calls get token_revoked. */
  readonly revoked = new Set<string>();
  private rotations = 0;

  /** The app's OAuth credentials; oauth.v2.access refuses others (unset: any). */
  constructor(private readonly options: { clientId?: string; clientSecret?: string } = {}) {}

  /** Makes a workspace installable: its grant code exchanges for its bot token. */
  addWorkspace(workspace: FakeWorkspace): void {
    this.grants.set(workspace.code, workspace);
  }

  /** The workspace a bot token was issued for. */
  workspaceOf(token: string | undefined): FakeWorkspace | undefined {
    return token ? this.byToken.get(token) : undefined;
  }

  /**
   * oauth.v2.access as Slack answers it: a grant code for the bot token (and, with rotation, a refresh token and
   * expiry), or `grant_type=refresh_token` for a fresh token (the old one stops working, as Slack's does).
   */
  access(b: Record<string, unknown>): Record<string, unknown> {
    if (this.options.clientId !== undefined && b.client_id !== this.options.clientId)
      return { ok: false, error: 'invalid_client_id' };
    if (this.options.clientSecret !== undefined && b.client_secret !== this.options.clientSecret)
      return { ok: false, error: 'bad_client_secret' };
    if (b.grant_type === 'refresh_token') {
      const ws = this.byRefresh.get(String(b.refresh_token));
      if (!ws) return { ok: false, error: 'invalid_refresh_token' };
      this.byRefresh.delete(String(b.refresh_token));
      const n = ++this.rotations;
      for (const [token, owner] of this.byToken) if (owner === ws) this.revoked.add(token);
      const token = `${ws.botToken}-r${n}`;
      const refresh = `${ws.refreshToken}-r${n}`;
      this.byToken.set(token, ws);
      this.byRefresh.set(refresh, ws);
      return {
        ok: true,
        token_type: 'bot',
        access_token: token,
        refresh_token: refresh,
        // A refreshed token lives twelve hours, as Slack's do.
        expires_in: 43_200,
      };
    }
    const ws = this.grants.get(String(b.code));
    if (!ws) return { ok: false, error: 'invalid_code' };
    this.grants.delete(String(b.code)); // a code is good once
    this.byToken.set(ws.botToken, ws);
    if (ws.refreshToken) this.byRefresh.set(ws.refreshToken, ws);
    const org = ws.enterpriseId ? { id: ws.enterpriseId, name: 'Example Org' } : null;
    return {
      ok: true,
      app_id: 'A0TRELLIS',
      authed_user: { id: 'U0ADMIN' },
      scope: 'commands,chat:write,im:write,im:history,users:read,files:write,channels:history,groups:history',
      token_type: 'bot',
      access_token: ws.botToken,
      bot_user_id: ws.botUserId,
      team: ws.orgWide ? null : { id: ws.teamId, name: ws.teamName ?? ws.teamId },
      enterprise: org,
      is_enterprise_install: ws.orgWide === true,
      ...(ws.refreshToken ? { refresh_token: ws.refreshToken, expires_in: ws.expiresIn ?? 43_200 } : {}),
    };
  }
}
