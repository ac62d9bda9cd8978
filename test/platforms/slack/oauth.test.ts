import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DeliveryError } from '../../../src/core/errors';
import { message } from '../../../src/core/message';
import { platformMessengers } from '../../../src/schedule/messengers';
import { UNINSTALLED_REASON } from '../../../src/store/slack-installations';
import type { FakeWorkspace } from '../../helpers/fake-slack-api';
import { A, B, B_ROTATED, DM, OAuthHarness, ORG, USER } from '../../helpers/oauth-harness';
import { selfCheckValues } from '../../helpers/slack-harness';
import { interactionBody } from '../../helpers/slack-signing';

/**
 * "Add to Slack" with two workspaces and an org installed (see oauth-install.test.ts for the install itself): each
 * coach (the same user id in both workspaces) is spoken to with their own workspace's token, in answers, modals,
 * DMs, scheduled prompts and removals; a rotated token; an uninstall that removes the tokens and stops every send;
 * a reinstall that resumes; and the retention window after which the data goes, on a fixed clock.
 */
describe('"Add to Slack" for many workspaces', () => {
  const h = new OAuthHarness();

  beforeAll(async () => {
    await h.start([A, B, ORG]);
    for (const ws of [A, B, ORG]) expect((await h.install(ws)).status).toBe(200);
  });
  afterAll(() => h.stop());

  test('the same user id in two workspaces is two coaches, each answered with their own workspace token', async () => {
    // Quick check-ins: first contact reads the coach's profile with the workspace's own token.
    for (const ws of [A, B]) {
      const { status, ack } = await h.command(ws, '4 3 5 4 4 2');
      expect(status).toBe(200);
      // Stored before the ack, first contact included: the ack itself says so.
      expect(String((JSON.parse(ack) as { text?: unknown }).text)).toMatch(/self-check is saved/);
    }
    // B's first token was near expiry: Bolt's authorize swapped it for a fresh one before its first use.
    const refreshes = h.fake.callsTo('oauth.v2.access').filter((c) => c.body.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].body.refresh_token).toBe(B.refreshToken);
    const profiles = h.fake.callsTo('users.info');
    expect(profiles.map((c) => c.token)).toEqual([A.botToken, B_ROTATED]);
    expect(h.fake.callsWith(B.botToken).filter((c) => c.method !== 'auth.test')).toHaveLength(0);

    const a = h.ctx.repos.coaches.find(h.ref(A.teamId));
    const b = h.ctx.repos.coaches.find(h.ref(B.teamId));
    expect(a && b && a.id !== b.id).toBe(true);
    expect(h.ctx.repos.selfChecks.recent(a?.id ?? 0, 5)).toHaveLength(1);
    expect(h.ctx.repos.selfChecks.recent(b?.id ?? 0, 5)).toHaveLength(1);

    // The modal: opened with B's token from B, submitted, and its acknowledgement DMed with B's token.
    await h.command(B, '');
    const opened = h.fake.callsTo('views.open').at(-1);
    expect(opened?.token).toBe(B_ROTATED);
    const view = opened?.body.view as Record<string, unknown>;
    const submit = await h.signed(
      interactionBody({
        type: 'view_submission',
        team: { id: B.teamId, domain: 'b' },
        user: { id: USER, username: 'same', team_id: B.teamId },
        api_app_id: 'A0TRELLIS',
        trigger_id: 'trig.submit.b',
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
    await h.server.slack?.idle();
    // In each workspace's DM with its own token: the welcome (first contact), then in B the acknowledgement.
    const texts = (token: string) =>
      h.postsWith(token).map((c) => `${c.body.channel} ${String(c.body.text).slice(0, 18)}`);
    expect(texts(B_ROTATED)).toEqual([`${DM} Welcome to Trellis`, `${DM} Thanks, your self-`]);
    expect(texts(A.botToken)).toEqual([`${DM} Welcome to Trellis`]);
    expect(h.ctx.repos.selfChecks.recent(b?.id ?? 0, 5)).toHaveLength(2);
    expect(h.ctx.repos.selfChecks.recent(a?.id ?? 0, 5)).toHaveLength(1);
  });

  test('a workspace of the org-wide install is answered with the org token, its coach under the org', async () => {
    const { ack } = await h.command(ORG, 'history');
    expect((JSON.parse(ack) as { response_type?: unknown }).response_type).toBe('ephemeral');
    expect(h.fake.callsTo('users.info').at(-1)?.token).toBe(ORG.botToken);
    expect(h.ctx.repos.coaches.find(h.ref('E0ORG'))).toBeDefined();
    expect(h.ctx.repos.coaches.find(h.ref('T0CCC'))).toBeUndefined();
  });

  test('scheduled prompts go to each coach with their own workspace token', async () => {
    h.clock.set('2026-11-24T09:00:00Z');
    const before = h.fake.callsTo('chat.postMessage').length;
    await h.runDue();
    const sent = h.fake.callsTo('chat.postMessage').slice(before);
    const prompts = sent.filter((c) => h.keyOf(c).startsWith('prompt:'));
    expect(prompts.map((c) => c.token).sort()).toEqual([A.botToken, B_ROTATED, ORG.botToken].sort());
    expect(sent.every((c) => c.body.channel === DM)).toBe(true);
    // Everything the tick sent (the weekly summary too) went with the token of its coach's workspace.
    const coachOf = { [A.botToken]: h.ref(A.teamId), [B_ROTATED]: h.ref(B.teamId), [ORG.botToken]: h.ref('E0ORG') };
    for (const call of sent) {
      const coach = h.ctx.repos.coaches.find(coachOf[call.token ?? '']);
      expect(h.keyOf(call)).toMatch(new RegExp(`:coach:${coach?.id}:`));
    }
  });

  test("a delete in workspace B removes Trellis's messages there with B's token and leaves A's", async () => {
    const aPosts = h.fake.posted.get(DM)?.length ?? 0;
    const { ack } = await h.command(B, 'delete messages confirm');
    expect(ack).toMatch(/Trellis is removing its 3 messages and files/);
    await h.server.removals.run();
    const deletes = h.fake.callsTo('chat.delete');
    // B's acknowledgement, prompt and weekly summary; none of A's or the org's, which share the channel id.
    expect(deletes).toHaveLength(3);
    expect(deletes.every((c) => c.token === B_ROTATED)).toBe(true);
    // The last word, the count, goes to B's coach with B's token too.
    const report = h.fake.callsTo('chat.postMessage').at(-1);
    expect(report?.token).toBe(B_ROTATED);
    expect(String(report?.body.text)).toMatch(/Trellis removed 3 of its messages and files/);
    expect(h.fake.posted.get(DM)?.length).toBe(aPosts - 3 + 1);
    const left = (h.fake.posted.get(DM) ?? []).map((m) => h.keyOf({ body: m }));
    expect(left.filter((k) => k.includes(`:coach:${h.ctx.repos.coaches.find(h.ref(B.teamId))?.id}:`))).toEqual([]);
    expect(left.length).toBeGreaterThan(0);
  });

  test('the admin CLI sender (run-due, removals) picks each workspace token from the store too', async () => {
    const [sender] = platformMessengers(h.ctx);
    await sender.sendDirect(h.coach('E0ORG')!, message('A note from the CLI.'), 'cli:org');
    await sender.sendDirect(h.coach(B.teamId)!, message('A note from the CLI.'), 'cli:b');
    expect(
      h.fake
        .callsTo('chat.postMessage')
        .slice(-2)
        .map((c) => c.token),
    ).toEqual([ORG.botToken, B_ROTATED]);
  });

  test('app_uninstalled removes that workspace tokens at once and nothing more is sent there', async () => {
    h.clock.set('2026-11-24T18:00:00Z');
    expect(await h.event(A, { type: 'app_uninstalled' })).toBe(200);
    h.fake.revoke(A.botToken);
    const gone = h.row(A.teamId);
    expect(gone?.installation).toBeNull();
    expect(gone?.uninstalled_at).toBe('2026-11-24T18:00:00.000Z');
    const coach = h.ctx.db
      .prepare("SELECT unreachable_reason, next_due_utc FROM coaches WHERE tenant = 'T0AAA'")
      .get() as { unreachable_reason: string; next_due_utc: string | null };
    expect(coach).toEqual({ unreachable_reason: UNINSTALLED_REASON, next_due_utc: null });

    const aCalls = h.fake.callsWith(A.botToken).length;
    // The next morning: B and the org get their prompts; A's coach gets nothing.
    h.clock.set('2026-11-25T09:00:00Z');
    await h.runDue();
    expect(h.fake.callsWith(A.botToken)).toHaveLength(aCalls);
    expect(h.postsWith(B_ROTATED).filter((c) => h.keyOf(c).startsWith('prompt:'))).toHaveLength(2);
    expect(h.postsWith(ORG.botToken).filter((c) => h.keyOf(c).startsWith('prompt:'))).toHaveLength(2);
    // A send to A (a digest, a notice) is refused for good with the reason, and no call goes out.
    const coachA = h.ctx.repos.coaches.find(h.ref(A.teamId));
    const messenger = h.server.slack?.messenger;
    await expect(messenger?.sendDirect(coachA!, message('hello'), 'k1')).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'Trellis is not installed in this Slack workspace',
    });
    await expect(
      messenger?.sendToChannel({ tenant: A.teamId, channelId: 'C0A' }, message('digest'), 'k2'),
    ).rejects.toBeInstanceOf(DeliveryError);
    // A command from A after the uninstall: Bolt finds no installation, the coach is told nothing and nothing is stored.
    const checks = h.ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5).length;
    const { status, triggerId } = await h.command(A, '4 4 4 4 4 4');
    expect(status).toBe(200);
    expect(h.fake.callsTo(`response/${triggerId}`)).toHaveLength(0);
    expect(h.ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(checks);
    expect(h.fake.callsWith(A.botToken)).toHaveLength(aCalls);
    expect(h.logLines.some((l) => l.includes('slack uninstalled: tokens removed'))).toBe(true);
    expect(h.logLines.some((l) => l.includes('slack request from a workspace without an installation'))).toBe(true);
    expect(h.logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });

  test('a reinstall within the window resumes the coaches where they were', async () => {
    const A2: FakeWorkspace = { ...A, code: 'code-a2', botToken: 'xoxb-a-2' };
    h.fake.addWorkspace(A2);
    h.clock.set('2026-11-25T12:00:00Z');
    expect((await h.install(A2)).status).toBe(200);
    expect(h.row(A.teamId)?.uninstalled_at).toBeNull();
    h.clock.set('2026-11-26T09:00:00Z');
    await h.runDue();
    expect(h.postsWith(A2.botToken).map((c) => h.keyOf(c).split(':')[0])).toEqual(['prompt']);
    const coachA = h.ctx.repos.coaches.find(h.ref(A.teamId));
    expect(h.ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(1); // the journal is still there
  });

  test('tokens_revoked for the bot uninstalls too; a prompt waiting for its retry is skipped with the reason', async () => {
    // Friday 09:00: A's prompt meets a 500 and waits for a retry; B's and the org's go out.
    h.clock.set('2026-11-27T09:00:00Z');
    let failures = 1;
    h.fake.respond((call) =>
      call.method === 'chat.postMessage' && call.token === 'xoxb-a-2' && failures-- > 0
        ? { status: 500, json: { ok: false, error: 'internal_error' } }
        : undefined,
    );
    await h.runDue();
    const coachA = h.coach(A.teamId);
    const prompt = () =>
      h.ctx.db
        .prepare("SELECT status, error FROM deliveries WHERE coach_id = ? AND kind = 'prompt' AND local_date = ?")
        .get(coachA?.id ?? 0, '2026-11-27') as { status: string; error: string | null };
    expect(prompt().status).toBe('pending');

    h.clock.set('2026-11-27T09:30:00Z');
    // Only user tokens revoked: Trellis holds none, so nothing changes.
    await h.event(A, { type: 'tokens_revoked', tokens: { oauth: ['U0ADMIN'] } });
    expect(h.row(A.teamId)?.installation).not.toBeNull();
    await h.event(A, { type: 'tokens_revoked', tokens: { bot: [A.botUserId] } });
    expect(h.row(A.teamId)?.installation).toBeNull();
    const aCalls = h.fake.callsWith('xoxb-a-2').length;
    // The retry's time comes: skipped for good, with the reason kept on the row and on the coach.
    h.clock.set('2026-11-27T12:00:00Z');
    await h.runDue();
    expect(prompt()).toEqual({ status: 'skipped', error: 'coach unreachable' });
    expect(h.ctx.db.prepare('SELECT unreachable_reason AS r FROM coaches WHERE id = ?').get(coachA?.id ?? 0)).toEqual({
      r: UNINSTALLED_REASON,
    });
    expect(h.fake.callsWith('xoxb-a-2')).toHaveLength(aCalls);
    expect(h.fake.refused.filter((c) => c.token === 'xoxb-a-2')).toHaveLength(1);
  });

  test('an uninstalled workspace data goes after TRELLIS_UNINSTALL_RETENTION_DAYS, as a delete deletes it', async () => {
    const coachA = h.coach(A.teamId);
    // 29 days on: kept.
    h.clock.set('2026-12-26T09:30:00Z');
    h.ctx.trellis.runRetention(h.clock.now());
    expect(h.ctx.repos.coaches.find(h.ref(A.teamId))).toBeDefined();
    // 30 days on: deleted as a coach's own delete deletes; the other workspaces are untouched.
    h.clock.set('2026-12-27T09:30:01Z');
    h.ctx.trellis.runRetention(h.clock.now());
    expect(h.ctx.repos.coaches.find(h.ref(A.teamId))).toBeUndefined();
    expect(h.ctx.repos.selfChecks.recent(coachA?.id ?? 0, 5)).toHaveLength(0);
    expect(h.row(A.teamId)).toBeUndefined();
    expect(h.ctx.repos.coaches.find(h.ref(B.teamId))).toBeDefined();
    expect(h.ctx.repos.coaches.find(h.ref('E0ORG'))).toBeDefined();
    const audit = h.ctx.db
      .prepare("SELECT actor FROM audit_log WHERE action = 'delete' AND coach_id = ?")
      .all(coachA?.id ?? 0) as { actor: string }[];
    expect(audit).toEqual([{ actor: 'uninstall-retention' }]);
    // Nothing was queued for removal in a workspace Trellis can no longer speak to.
    expect(h.ctx.db.prepare("SELECT count(*) AS n FROM platform_messages WHERE tenant = 'T0AAA'").get()).toEqual({
      n: 0,
    });
  });
});
