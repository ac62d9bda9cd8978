import type { ServerResponse } from 'node:http';
import type { Logger as BoltLogger, Installation } from '@slack/bolt';
// Bolt's own OAuth library (a dependency of @slack/bolt, at the version Bolt pins): the same InstallProvider Bolt's
// HTTPReceiver uses, here on Trellis's shared HTTP server.
import { type CodedError, ErrorCode, InstallProvider } from '@slack/oauth';
import type { SlackOAuthConfig } from '../../config';
import type { Logger } from '../../core/ports';
import type { HttpServer } from '../../http/server';
import { type SlackInstallationStore, tenantOf } from '../../store/slack-installations';
import { installedTokens, type SlackTokenSource } from './tokens';

/** Where an admin starts "Add to Slack", and where Slack sends their browser back (manifest.yml redirect_urls). */
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

/**
 * The bot scopes an installation asks for, each for one thing Trellis does (README "Add to Slack"). The manifest
 * asks for the same (test/platforms/slack/oauth.test.ts holds them together).
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'im:history',
  'users:read',
  'files:write',
  'channels:history',
  'groups:history',
] as const;

/** Bolt's InstallProvider over the SQLite installation store: install page, callback, state check, token rotation. */
export function createInstaller(
  oauth: SlackOAuthConfig,
  store: SlackInstallationStore,
  logger: BoltLogger,
  apiUrl?: string,
): InstallProvider {
  return new InstallProvider({
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    // The state is signed with this secret and must come back in the browser's cookie too (CSRF).
    stateSecret: oauth.stateSecret,
    stateVerification: true,
    installationStore: store,
    installUrlOptions: { scopes: [...BOT_SCOPES] },
    renderHtmlForInstallPath: installPage,
    clientOptions: { slackApiUrl: apiUrl },
    // A stale or crossed install link is the browser's mistake, not Trellis's: the library's own error lines are
    // warnings, and `refused` below logs a failure that is Trellis's or Slack's as an error.
    logger: { ...logger, error: (...parts: unknown[]) => logger.warn(...parts) },
  });
}

/** The installing workspace's token for every send (rotated by Bolt's authorize when it is near expiry). */
export function oauthTokens(installer: InstallProvider, store: SlackInstallationStore): SlackTokenSource {
  return installedTokens({ queryFor: (tenant) => store.queryFor(tenant), authorize: installer.authorize });
}

/** GET /slack/install (the "Add to Slack" page) and GET /slack/oauth_redirect (Slack's answer) on the shared server. */
export function serveInstall(http: HttpServer, installer: InstallProvider, log: Logger): void {
  http.route('GET', SLACK_INSTALL_PATH, async (req, res) => {
    try {
      await installer.handleInstallPath(req, res);
    } catch (error) {
      log.error('slack install page failed', { error });
      if (!res.headersSent) page(res, 500, 'The install page could not be made.', 'Please try again in a minute.');
    }
  });
  http.route('GET', SLACK_REDIRECT_PATH, (req, res) =>
    installer.handleCallback(req, res, {
      success: (installation) => installed(installation, res, log),
      failure: (error, _options, _req, failedRes) => refused(error, failedRes, log),
    }),
  );
}

function installed(installation: Installation, res: ServerResponse, log: Logger): void {
  const isEnterpriseInstall = installation.isEnterpriseInstall === true;
  const tenant = tenantOf({
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall,
  });
  log.info('slack installed', {
    tenant,
    orgWide: isEnterpriseInstall,
    rotation: Boolean(installation.bot?.refreshToken),
  });
  page(
    res,
    200,
    'Trellis is installed.',
    isEnterpriseInstall
      ? 'Add it to the workspaces of your organisation that should have it (Slack admin → Integrated apps). Coaches then find Trellis under Apps and type /selfcheck; their first reflection prompt arrives at 09:00 their time on the next weekday.'
      : 'Coaches find Trellis under Apps in Slack and type /selfcheck; their first reflection prompt arrives at 09:00 their time on the next weekday.',
  );
}

/** Why an installation did not complete, in words an admin can act on; nothing from the request is echoed. */
function refused(error: CodedError, res: ServerResponse, log: Logger): void {
  if (error.code === ErrorCode.InvalidStateError || error.code === ErrorCode.MissingStateError) {
    log.warn('slack installation refused', { code: error.code });
    page(
      res,
      400,
      'This installation link is not valid here.',
      `It has expired, or was opened in a different browser from the one that started it. Start again at ${SLACK_INSTALL_PATH}.`,
    );
    return;
  }
  if (error.code === ErrorCode.AuthorizationError || error.code === ErrorCode.MissingCodeError) {
    log.warn('slack installation cancelled', { code: error.code });
    page(
      res,
      400,
      'Trellis was not installed.',
      `The installation was cancelled. Start again at ${SLACK_INSTALL_PATH}.`,
    );
    return;
  }
  const slackError = (error as { data?: { error?: unknown } }).data?.error;
  log.error('slack installation failed', {
    code: error.code,
    slackError: typeof slackError === 'string' ? slackError : undefined,
  });
  page(
    res,
    502,
    'Trellis was not installed.',
    `Slack did not complete the installation. Try again at ${SLACK_INSTALL_PATH}; if it happens again, check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.`,
  );
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function html(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trellis</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; line-height: 1.5">
<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = Buffer.from(html(title, `<p>${escapeHtml(text)}</p>`));
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length }).end(body);
}

/** The "Add to Slack" page: what Trellis asks for, and the button (the URL carries the signed state). */
export function installPage(url: string): string {
  return html(
    'Add Trellis to Slack',
    `<p>Trellis sends coaches a short daily reflection prompt in a direct message and keeps their self-checks on
"Cultivates Trust and Safety". Installing it lets it add the /selfcheck command, send and remove its own direct
messages and files, read the replies coaches send it, and read their time zone from their profile.</p>
<p><a href="${escapeHtml(url)}">Add to Slack</a></p>`,
  );
}
