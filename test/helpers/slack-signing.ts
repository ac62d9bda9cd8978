import { createHmac } from 'node:crypto';

/**
 * Signs a request body exactly as Slack does: `v0=` + hex HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the
 * app's signing secret, sent as x-slack-signature beside x-slack-request-timestamp (Unix seconds).
 * Written separately from src/platforms/slack/signature.ts so a mistake there cannot hide in both.
 */
export function slackSignatureHeaders(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': timestamp };
}

/** A slash command's body as Slack posts it (application/x-www-form-urlencoded). */
export function slashCommandBody(fields: {
  text: string;
  user: string;
  team: string;
  triggerId: string;
  responseUrl: string;
  channel?: string;
  command?: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.team,
    team_domain: 'example',
    channel_id: fields.channel ?? `D${fields.user.slice(1)}`,
    channel_name: fields.channel && !fields.channel.startsWith('D') ? 'peer-supervision' : 'directmessage',
    user_id: fields.user,
    user_name: fields.user.toLowerCase(),
    command: fields.command ?? '/selfcheck',
    text: fields.text,
    api_app_id: 'A0TRELLIS',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  }).toString();
}

/** An interactivity payload as Slack posts it: form-encoded, one field `payload` holding JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
