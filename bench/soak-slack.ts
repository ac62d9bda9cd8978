/** bench/soak's Slack target: every op as Slack sends it to the real Bolt app, signed, on POST /slack/events. */
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import type { SoakClient } from './soak-http';
import type { Target } from './soak-ops';
import type { SoakSlackReport } from './soak-slack-api';

export const SIGNING_SECRET = 'soak-signing-secret-0123456789abcdef';
const TEAM = 'T0SOAK';
/** The pauses before Slack's three retries of an event, shortened from Slack's (about 0, 60 and 300 s). */
const EVENT_RETRY_PAUSES_MS = [250, 1_000, 3_000] as const;

/** Slack's signature headers: v0= HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
function signed(body: string, contentType: string): { body: string; headers: Record<string, string> } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-signature': `v0=${signature}`,
      'x-slack-request-timestamp': timestamp,
    },
  };
}

/** A Slack user id for a coach name of the op mix (coach-12 -> UCOACH12). */
const slackUser = (name: string) => `U${name.replace(/[^a-z0-9]/gi, '').toUpperCase()}`;

/**
 * The real Slack adapter on POST /slack/events. Quick check-ins are slash commands (acknowledged in the ack, or on
 * a coach's first contact through response_url); form submissions open the modal (/selfcheck) and submit it
 * (view_submission; the closed modal is the acknowledgement); prompt replies ask for today's prompt in the DM and
 * answer it (message.im events; the "Saved to your journal" DM is the acknowledgement).
 */
export function slackTarget(client: SoakClient, port: number, fakeApi: ChildProcess, apiUrl: string): Target {
  const post = async (body: string, contentType: string, extra: Record<string, string> = {}) => {
    try {
      const request = signed(body, contentType);
      return await client.request(port, 'POST', '/slack/events', undefined, {
        ...request,
        headers: { ...request.headers, ...extra },
      });
    } catch {
      return { status: 0, text: '' };
    }
  };
  /** Events answered non-200 and sent again, as Slack does (its pauses are shorter here). */
  let eventRetries = 0;
  const FORM_TYPE = 'application/x-www-form-urlencoded';
  const command = (user: string, text: string, triggerId: string) =>
    post(
      new URLSearchParams({
        team_id: TEAM,
        team_domain: 'soak',
        channel_id: `D${user.slice(1)}`,
        channel_name: 'directmessage',
        user_id: user,
        user_name: user.toLowerCase(),
        command: '/selfcheck',
        text,
        api_app_id: 'A0TRELLIS',
        response_url: `${apiUrl}response/${triggerId}`,
        trigger_id: triggerId,
      }).toString(),
      FORM_TYPE,
    );
  const dm = async (user: string, text: string, eventId: string) => {
    const ts = `${(Date.now() / 1000).toFixed(6)}`;
    const body = JSON.stringify({
      team_id: TEAM,
      api_app_id: 'A0TRELLIS',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'message', channel: `D${user.slice(1)}`, channel_type: 'im', user, text, ts, event_ts: ts },
      authorizations: [{ team_id: TEAM, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    });
    // Slack sends an event it got no 200 for again, up to 3 times (at once, after 1 and after 5 minutes), with the
    // same body and x-slack-retry-num; here after EVENT_RETRY_PAUSES_MS so a run of minutes sees them.
    for (let attempt = 0; ; attempt++) {
      const retry: Record<string, string> =
        attempt === 0 ? {} : { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' };
      const res = await post(body, 'application/json', retry);
      if (res.status === 200 || attempt >= EVENT_RETRY_PAUSES_MS.length) return res;
      eventRetries++;
      await new Promise((resolve) => setTimeout(resolve, EVENT_RETRY_PAUSES_MS[attempt]));
    }
  };
  const viewSubmission = (user: string, viewId: string, form: { ratings: Record<string, unknown>; note: string }) => {
    const values: Record<string, Record<string, unknown>> = {};
    for (const key of ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness']) {
      const value = form.ratings[key];
      values[key] = {
        rating: {
          type: 'static_select',
          selected_option:
            value === undefined ? null : { value: String(value), text: { type: 'plain_text', text: '' } },
        },
      };
    }
    values.note = { note: { type: 'plain_text_input', value: form.note } };
    return post(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          team: { id: TEAM, domain: 'soak' },
          user: { id: user, username: user.toLowerCase(), team_id: TEAM },
          api_app_id: 'A0TRELLIS',
          trigger_id: `${viewId}.t`,
          view: { id: viewId, team_id: TEAM, type: 'modal', callback_id: 'selfcheck', state: { values } },
        }),
      }).toString(),
      FORM_TYPE,
    );
  };
  const SAVED_ACK = /your self-check is saved/i;
  // Questions to the fake Web API process, answered by id.
  let askId = 0;
  const answers = new Map<number, (delivered: boolean) => void>();
  fakeApi.on('message', (m: { id?: number; delivered?: boolean }) => {
    if (typeof m.id !== 'number') return;
    answers.get(m.id)?.(m.delivered === true);
    answers.delete(m.id);
  });
  const delivered = (key: string) =>
    new Promise<boolean>((resolve) => {
      const id = ++askId;
      answers.set(id, resolve);
      fakeApi.send({ id, delivered: key });
    });
  /** A coach replies once their prompt has arrived: wait for its DM, bounded (Trellis answers well within this). */
  const promptArrived = async (eventId: string) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await delivered(`reply:${eventId}:0`)) return true;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return false;
  };
  return {
    async send(op) {
      const user = slackUser(op.user);
      if (op.kind === 'quick') {
        const res = await command(user, op.text.replace(/^\/selfcheck /, ''), op.key);
        if (res.status !== 200) return { ok: false, acknowledged: false };
        // First contact: the answer follows through response_url once Slack's profile is known.
        if (res.text === '') return { ok: true, acknowledged: false, pending: true };
        return { ok: true, acknowledged: SAVED_ACK.test(res.text) };
      }
      if (op.kind === 'form') {
        const open = await command(user, '', `${op.key}.open`);
        if (open.status !== 200) return { ok: false, acknowledged: false };
        const res = await viewSubmission(user, op.key, op.form as { ratings: Record<string, unknown>; note: string });
        // An empty 200 closes the modal: the coach sees it accepted (errors would come back as response_action).
        return { ok: res.status === 200, acknowledged: res.status === 200 && res.text === '' };
      }
      const prompt = await dm(user, 'prompt', `${op.key}.prompt`);
      if (prompt.status !== 200 || !(await promptArrived(`${op.key}.prompt`)))
        return { ok: false, acknowledged: false };
      const res = await dm(user, op.text, op.key);
      return { ok: res.status === 200, acknowledged: false, pending: res.status === 200 };
    },
    rss: () => client.rss(port),
    retries: () => eventRetries,
    async confirmed() {
      const report = await new Promise<SoakSlackReport>((resolve) => {
        const onReport = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('savedTriggers' in m)) return;
          fakeApi.off('message', onReport);
          resolve(m as SoakSlackReport);
        };
        fakeApi.on('message', onReport);
        fakeApi.send('report');
      });
      const keys = new Set(report.savedTriggers);
      for (const key of report.savedDeliveries) {
        const reply = /^reply:(.+):0$/.exec(key);
        if (reply) keys.add(reply[1]);
      }
      return keys;
    },
  };
}
