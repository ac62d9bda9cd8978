import type { Message } from '../../src/core/message';
import { keyedFilename } from '../../src/platforms/slack/files';
import { deliveryKey } from '../../src/store/deliveries';
import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHANNEL = 'C0PEERS';
const DIGEST: Message = { title: 'Peer supervision digest', lines: ['Four of six members checked in.'] };
const CHART = { png: new Uint8Array([137, 80, 78, 71]), alt: 'Weekly means per behaviour', filename: 'week.png' };

/**
 * A harness with one coach whose prompt is due at 09:00 and one peer-supervision channel whose digest is due then
 * too (written straight into the outbox, as the digest planner would). `weeklyChart` adds a weekly summary with a
 * chart for the coach.
 */
async function setUp(options: { weeklyChart?: boolean } = {}) {
  const x = await makeSchedulerHarness({
    start: '2026-11-23T12:00:00Z',
    producers: (registry) => {
      registry.register('digest', () => DIGEST);
      if (options.weeklyChart) registry.register('weekly', () => ({ title: 'Your week', lines: ['…'], image: CHART }));
    },
  });
  h = x;
  const coach = x.addCoach({ timeZone: 'UTC' });
  const digest = {
    recipient: `channel:T0TEAM:${CHANNEL}`,
    coachId: null,
    platform: 'slack' as const,
    kind: 'digest',
    localDate: '2026-11-24',
    dueAt: '2026-11-24T09:00:00.000Z',
  };
  x.deliveries.enqueue(digest, '2026-11-24T08:00:00Z');
  const keys = {
    prompt: deliveryKey({ recipient: `coach:${coach.coach.id}`, kind: 'prompt', localDate: '2026-11-24' }),
    digest: deliveryKey(digest),
    weekly: deliveryKey({ recipient: `coach:${coach.coach.id}`, kind: 'weekly', localDate: '2026-11-23' }),
  };
  const run = async (minutesLater = 0) => {
    x.clock.set(new Date(Date.parse('2026-11-24T09:00:00Z') + minutesLater * 60_000));
    return (await x.scheduler.runDue(x.clock.now())).sent.slack;
  };
  const row = (kind: 'prompt' | 'digest' | 'weekly') => {
    const [recipient, localDate] =
      kind === 'digest' ? [digest.recipient, '2026-11-24'] : [`coach:${coach.coach.id}`, keys[kind].slice(-10)];
    return x.deliveries.byKey(recipient, kind, localDate);
  };
  const channelOf = (kind: 'prompt' | 'digest') => (kind === 'digest' ? CHANNEL : coach.channel);
  return { x, coach, keys, run, row, channelOf };
}

describe.each(['prompt', 'digest'] as const)('a %s whose outcome was unknown', (kind) => {
  test('is found in the conversation and not posted again', async () => {
    const { x, keys, run, row, channelOf } = await setUp();
    // Slack posts it, but the answer is lost on the way back.
    const inChannel = (call: { body: Record<string, unknown> }) => call.body.channel === channelOf(kind);
    x.fake.landThenAnswer('chat.postMessage', { status: 500, json: { ok: false } }, 1, inChannel);
    const first = await run();
    expect(first).toMatchObject({ sent: 1, retried: 1 });
    expect(x.fake.postsWithKey(keys[kind])).toHaveLength(1);
    const second = await run(1);
    expect(second).toMatchObject({ alreadyDelivered: 1 });
    expect(x.fake.postsWithKey(keys[kind])).toHaveLength(1);
    expect(x.fake.postsWithKey(keys.prompt)).toHaveLength(1);
    expect(x.fake.postsWithKey(keys.digest)).toHaveLength(1);
    expect(row(kind)?.status).toBe('sent');
    // The lookup read only the window since the delivery was due, with metadata.
    const lookup = x.fake.callsTo('conversations.history').at(-1)!;
    expect(lookup.body).toMatchObject({ include_all_metadata: 'true' });
    expect(Number(lookup.body.oldest)).toBeGreaterThan(Date.parse('2026-11-24T08:50:00Z') / 1000);
  });

  test.each([
    ['500', { status: 500, json: { ok: false } }],
    ['429', { status: 429, headers: { 'retry-after': '1' }, json: { ok: false, error: 'ratelimited' } }],
  ] as const)('is never sent again while the lookup answers %s', async (_label, lookupAnswer) => {
    const { x, keys, run, row, channelOf } = await setUp();
    // The first try did not land; then Slack's history cannot be read for a while.
    const target = channelOf(kind);
    x.fake.respondOnce('chat.postMessage', { status: 500, json: { ok: false } }, 2);
    await run();
    expect(x.fake.postsWithKey(keys[kind])).toHaveLength(0);
    x.fake.respond((call) =>
      call.method === 'conversations.history' && call.body.channel === target ? lookupAnswer : undefined,
    );
    for (let minute = 1; minute <= 30; minute += 10) {
      await run(minute);
      expect(x.fake.postsWithKey(keys[kind])).toHaveLength(0);
    }
    expect(row(kind)).toMatchObject({ status: 'pending', uncertain: true });
    expect(x.fake.refused.filter((c) => c.method === 'conversations.history').length).toBeGreaterThanOrEqual(2);
  });

  test('is given up, in doubt and unsent, when the lookup still fails at the end of the catch-up window', async () => {
    const { x, keys, run, row } = await setUp();
    x.fake.respondOnce('chat.postMessage', { status: 500, json: { ok: false } }, 2);
    await run();
    x.fake.respond((call) =>
      call.method === 'conversations.history' ? { status: 503, json: { ok: false } } : undefined,
    );
    for (let minute = 5; minute <= 200; minute += 5) await run(minute);
    expect(x.fake.postsWithKey(keys[kind])).toHaveLength(0);
    expect(row(kind)).toMatchObject({ status: 'failed', inDoubt: true });
    expect(row(kind)?.error).toContain('outcome unknown');
    expect(x.deliveries.countInDoubt()).toBe(2);
    expect(x.logLines.some((l) => l.includes('given up, not sent blind'))).toBe(true);
  });
});

test('a history Slack refuses for good (no channels:history) cannot tell: a digest errs at most once, a DM at least once', async () => {
  const { x, keys, run, row } = await setUp();
  x.fake.landThenAnswer('chat.postMessage', { status: 500, json: { ok: false } }, 2);
  await run();
  expect(x.fake.postsWithKey(keys.prompt)).toHaveLength(1);
  expect(x.fake.postsWithKey(keys.digest)).toHaveLength(1);
  x.fake.respond((call) =>
    call.method === 'conversations.history' ? { json: { ok: false, error: 'missing_scope' } } : undefined,
  );
  expect(await run(1)).toMatchObject({ sent: 1, inDoubt: 2 });
  expect(x.fake.postsWithKey(keys.digest)).toHaveLength(1);
  expect(row('digest')).toMatchObject({ status: 'sent', inDoubt: true });
  expect(x.fake.postsWithKey(keys.prompt)).toHaveLength(2);
  expect(row('prompt')).toMatchObject({ status: 'sent', inDoubt: true });
});

describe('a chart after its text', () => {
  test('a failed upload is tried again alone: the text is never posted twice', async () => {
    const { x, coach, keys, run, row } = await setUp({ weeklyChart: true });
    x.fake.respondOnce('files.getUploadURLExternal', { status: 500, json: { ok: false } });
    await run();
    expect(x.fake.postsWithKey(keys.weekly)).toHaveLength(1);
    expect(x.fake.sharedFiles(coach.channel)).toHaveLength(0);
    expect(row('weekly')).toMatchObject({ status: 'pending', stage: 'uploading' });
    await run(1);
    expect(x.fake.postsWithKey(keys.weekly)).toHaveLength(1);
    expect(x.fake.sharedFiles(coach.channel)).toEqual([keyedFilename('week.png', keys.weekly)]);
    // The title a coach reads stays the plain one.
    const [share] = x.fake.shared.get(coach.channel) ?? [];
    expect(share?.files).toMatchObject([{ title: 'week', mimetype: 'image/png' }]);
    expect(row('weekly')).toMatchObject({ status: 'sent', messageId: x.fake.postsWithKey(keys.weekly)[0].ts });
  });

  test('an upload that landed but was answered 500 is found after the text and not uploaded again', async () => {
    const { x, coach, keys, run, row } = await setUp({ weeklyChart: true });
    x.fake.landThenAnswer('files.completeUploadExternal', { status: 500, json: { ok: false } });
    await run();
    expect(x.fake.sharedFiles(coach.channel)).toHaveLength(1);
    expect(row('weekly')).toMatchObject({ status: 'pending', stage: 'uploading' });
    await run(1);
    expect(row('weekly')?.status).toBe('sent');
    expect(x.fake.sharedFiles(coach.channel)).toHaveLength(1);
    expect(x.fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(x.fake.postsWithKey(keys.weekly)).toHaveLength(1);
    // Looked for after the text only.
    const lookup = x.fake.callsTo('conversations.history').at(-1)!;
    expect(lookup.body.oldest).toBe(x.fake.postsWithKey(keys.weekly)[0].ts);
  });

  test('an upload Slack refuses for good (no files:write) leaves the text delivered and the coach reachable', async () => {
    const { x, coach, keys, run, row } = await setUp({ weeklyChart: true });
    x.fake.respond((call) =>
      call.method === 'files.getUploadURLExternal' ? { json: { ok: false, error: 'missing_scope' } } : undefined,
    );
    await run();
    expect(row('weekly')).toMatchObject({ status: 'sent' });
    expect(row('weekly')?.error).toContain('chart not delivered');
    expect(x.schedule.isUnreachable(coach.coach.id)).toBe(false);
    expect(x.fake.postsWithKey(keys.weekly)).toHaveLength(1);
  });
});
