import { runCli } from '../../src/cli/index';
import { deliveryKey } from '../../src/store/deliveries';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { holdUntilReleased, limitHistory, outage } from '../helpers/slack-faults';
import { tempDir } from '../helpers/temp-db';
import { rows, seed, startSender as start, until } from './crash-helpers';

/**
 * The crash test (a sender process SIGKILLed mid-run, another started on the same database) under Slack faults:
 * an outage longer than the old retry budget, one longer than the catch-up window, history lookups answering 500
 * and 429 at a Slack-like pace, and posts Slack completes after the client gave up. Every case counts messages per
 * delivery key. Windows, timeouts and backoff are shortened through the sender's arguments, never the code paths.
 */

/** Fast backoff, so an outage of a few seconds outlasts what used to be five tries (2 to 16 s apart). */
const FAST = { 'backoff-base-ms': 50, 'backoff-max-ms': 400, 'settle-ms': 300, 'lookup-rate': 200 };

let fake: FakeSlackApi;
let dir: ReturnType<typeof tempDir>;
let started: ReturnType<typeof start>[] = [];
beforeEach(async () => {
  fake = await new FakeSlackApi().start();
  dir = tempDir();
});
afterEach(async () => {
  // A failed expectation leaves no sender behind.
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(started.map((s) => s.done));
  started = [];
  await fake.stop();
  dir.cleanup();
});

const startSender = (...args: Parameters<typeof start>) => {
  const sender = start(...args);
  started.push(sender);
  return sender;
};

async function failedList(file: string): Promise<{ head: Record<string, unknown>; lines: Record<string, unknown>[] }> {
  const out: string[] = [];
  const code = await runCli(
    ['deliveries', '--failed'],
    { out: (l) => out.push(l), err: () => undefined },
    {
      TRELLIS_DB: file,
      LOG_LEVEL: 'silent',
    },
  );
  expect(code).toBe(0);
  const [head, ...lines] = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { head, lines };
}

/** Every delivery key posted exactly once: no duplicate, no loss. */
function postsPerKey(file: string) {
  const all = rows(file);
  return {
    all,
    wrong: all.map((r) => [deliveryKey(r), fake.postsWithKey(deliveryKey(r)).length]).filter(([, n]) => n !== 1),
  };
}

test('an outage longer than the old retry budget, the sender killed in it: every prompt and digest arrives once', async () => {
  const file = dir.file('trellis.db');
  seed(file, { platform: 'slack', coaches: 20, channels: 5, checks: true });
  const down = outage(fake);
  const first = startSender(file, { slackUrl: fake.url }, 1_000, FAST);
  await until(() => down.refused() >= 100, 60_000);
  first.child.kill('SIGKILL');
  expect(await first.done).toBeNull();

  // Restarted while Slack is still down: the retries go on from the stored next attempt, nothing is failed.
  const second = startSender(file, { slackUrl: fake.url }, 1_000, FAST);
  await until(() => down.refused() >= 450, 60_000);
  const perRow = (channel: string) => fake.refused.filter((c) => c.body.channel === channel).length;
  // Well past five tries (posts, then lookups whether a post landed) for some send, the old budget, and not one
  // row failed meanwhile.
  expect(Math.max(...['C0PEER0', 'C0PEER1', 'C0PEER2'].map(perRow))).toBeGreaterThan(5);
  expect(rows(file).filter((r) => r.status === 'failed')).toEqual([]);
  down.end();
  expect(await second.done).toBe(0);

  const { all, wrong } = postsPerKey(file);
  expect(all).toHaveLength(20 * 2 + 5);
  expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(wrong).toEqual([]);
  const listed = await failedList(file);
  expect(listed.head).toMatchObject({ failedListed: 0 });
  expect(listed.lines).toEqual([]);
}, 180_000);

test('an outage longer than the catch-up window: each delivery expires with its reason, listed, never sent late', async () => {
  const file = dir.file('trellis.db');
  const seeded = seed(file, { platform: 'slack', coaches: 20, channels: 3, checks: true });
  const down = outage(fake, { methods: ['chat.postMessage'] });
  const first = startSender(file, { slackUrl: fake.url }, 1_000, FAST);
  await until(() => down.refused() >= 10, 60_000);
  first.child.kill('SIGKILL');
  expect(await first.done).toBeNull();
  // Restarted with a window that ends in a moment: Slack is still down when it does.
  const catchUp = Date.now() - seeded.dueAt + 2_000;
  const second = startSender(file, { slackUrl: fake.url }, 1_000, { ...FAST, 'catch-up-ms': catchUp });
  expect(await second.done).toBe(0);
  expect(second.report().expired).toBeGreaterThanOrEqual(1);

  // Slack is back: a later run sends nothing stale.
  down.end();
  const third = startSender(file, { slackUrl: fake.url }, 1_000, { ...FAST, 'catch-up-ms': catchUp });
  expect(await third.done).toBe(0);
  expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

  const all = rows(file);
  expect(all).toHaveLength(20 * 2 + 3);
  expect(all.filter((r) => r.status !== 'failed' || !r.error?.startsWith('expired: '))).toEqual([]);
  const listed = await failedList(file);
  expect(listed.head).toMatchObject({ failedListed: 43, expiredListed: 43, byStatus: { failed: 43 } });
  const coachIds = new Set(seeded.coaches.map((c) => c.id));
  for (const line of listed.lines) {
    expect(Object.keys(line).sort()).toEqual(
      [
        'attempts',
        'coach',
        'createdAt',
        'dueAt',
        'finishedAt',
        'id',
        'inDoubt',
        'kind',
        'localDate',
        'platform',
        'reason',
        'recipient',
        'status',
      ].sort(),
    );
    expect(line).toMatchObject({ status: 'expired', platform: 'slack', reason: expect.stringMatching(/^expired: /) });
    if (line.kind === 'digest') expect(line.coach).toBeNull();
    else expect(coachIds.has(line.coach as number)).toBe(true);
  }
  expect(listed.lines.filter((l) => l.kind === 'digest')).toHaveLength(3);
}, 180_000);

test('history answering 500, then 429 with Retry-After at a Slack-like pace: posts in doubt are found, never re-sent', async () => {
  const file = dir.file('trellis.db');
  seed(file, { platform: 'slack', coaches: 30, channels: 5, checks: true });
  // Every post lands but its answer is lost: each one is in doubt and must be looked up.
  fake.landThenAnswer('chat.postMessage', { status: 502, json: { ok: false } }, 65);
  // The history tier: a few calls a window, then 429 + Retry-After; and the first lookups fail outright.
  const tier = limitHistory(fake, { perWindow: 6, windowMs: 1_000 });
  fake.respondOnce('conversations.history', { status: 500, json: { ok: false } }, 10);
  const first = startSender(file, { slackUrl: fake.url }, 1_000, { ...FAST, 'lookup-rate': 20 });
  await until(() => tier.limited().length >= 1 || first.child.exitCode !== null, 60_000);
  first.child.kill('SIGKILL');
  // Killed in the lookups, or (on a fast run) ended its bounded run with posts still in doubt: either way the next
  // sender must find them rather than post again.
  expect([null, 0]).toContain(await first.done);
  const second = startSender(file, { slackUrl: fake.url }, 1_000, { ...FAST, 'lookup-rate': 20 });
  expect(await second.done).toBe(0);

  const { all, wrong } = postsPerKey(file);
  expect(all).toHaveLength(30 * 2 + 5);
  expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(wrong).toEqual([]);
  const history = fake.refused.filter((c) => c.method === 'conversations.history');
  expect(history.filter((c) => c.response?.status === 500)).toHaveLength(10);
  expect(history.filter((c) => c.response?.status === 429).length).toBeGreaterThanOrEqual(1);
  expect(second.report().alreadyDelivered).toBeGreaterThanOrEqual(1);
}, 180_000);

test('posts Slack completes after the client timeout are found by the lookup, not sent again, across a kill', async () => {
  const file = dir.file('trellis.db');
  seed(file, { platform: 'slack', coaches: 15, channels: 4, checks: true });
  // Slack holds every post and cannot read history until the test releases it: the client gives up on each post
  // after 1 s (its timeout), the sender is killed with posts still held, and only then do they all complete. The
  // order is set by the test, not by how fast a loaded machine runs the fake or the senders.
  const slack = holdUntilReleased(fake);
  const late = { ...FAST, 'slack-timeout-ms': 1_000, 'settle-ms': 1_000 };
  const first = startSender(file, { slackUrl: fake.url }, 4_000, late);
  // Some posts timed out (and were put back, in doubt), some are in flight when the sender dies.
  await until(() => slack.held() >= 12, 60_000);
  first.child.kill('SIGKILL');
  expect(await first.done).toBeNull();
  slack.release();
  await until(() => slack.landed() === slack.held(), 10_000);
  const held = slack.held();
  // Completed after their client had given up: every one of them is now in its conversation.
  const second = startSender(file, { slackUrl: fake.url }, 4_000, late);
  expect(await second.done).toBe(0);

  const { all, wrong } = postsPerKey(file);
  expect(all).toHaveLength(15 * 2 + 4);
  expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(wrong).toEqual([]);
  // Each held post belonged to a row left in doubt; none was posted again (above), and the restarted sender found
  // them by their lookups (a weekly summary whose chart upload then timed out on a loaded machine counts as sent on
  // its next claim, when only the chart is left).
  expect(second.report().alreadyDelivered).toBeGreaterThanOrEqual(1);
  expect(second.report().alreadyDelivered).toBeLessThanOrEqual(held);
  expect(fake.callsTo('chat.postMessage')).toHaveLength(all.length);
}, 180_000);
