import { z } from 'zod';
import { runCli } from '../../src/cli/index';
import type { Settings } from '../../src/core/model';
import { createRepositories, openDatabase } from '../../src/store';
import { deliveryStore } from '../../src/store/deliveries';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { testSettings } from '../helpers/settings';
import { tempDbFile } from '../helpers/temp-db';

const line = z.object({
  coach: z.number().int(),
  platform: z.enum(['slack', 'teams', 'console']),
  tenant: z.string(),
  user: z.string(),
  kind: z.literal('prompt'),
  localDate: z.string(),
  localTime: z.string(),
  dueUtc: z.string(),
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

function seed(file: string, at: Date, coaches: Record<string, Partial<Settings>>, joinedAt?: Date): void {
  const db = openDatabase(file);
  const repos = createRepositories(db, () => at);
  for (const [user, settings] of Object.entries(coaches)) {
    repos.coaches.upsert({ platform: 'slack', tenant: 'T0TEAM', user }, testSettings(settings));
  }
  // Coaches who joined before the week a summary reports on (none is sent for a week before joining).
  if (joinedAt) db.prepare('UPDATE coaches SET created_at = ?').run(joinedAt.toISOString());
  db.close();
}

let db: ReturnType<typeof tempDbFile>;
beforeEach(() => {
  db = tempDbFile();
});
afterEach(() => db.cleanup());

test('due --at prints one JSON line per prompt that would go out at that instant, and sends nothing', async () => {
  seed(db.file, new Date('2026-11-23T12:00:00Z'), {
    ULONDON: { timeZone: 'Europe/London' },
    UNEWYORK: { timeZone: 'America/New_York' },
    UKATHMANDU: { timeZone: 'Asia/Kathmandu', promptTime: '14:45' },
    UPAUSED: { timeZone: 'Europe/London', pausedUntil: '2026-11-30' },
  });
  const c = capture();
  const env = { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' };
  expect(await runCli(['due', '--at', '2026-11-24T09:00:00Z'], c.io, env)).toBe(0);
  const lines = c.out.map((l) => line.parse(JSON.parse(l)));
  expect(lines.map((l) => [l.user, l.localDate, l.localTime]).sort()).toEqual([
    ['UKATHMANDU', '2026-11-24', '14:45'],
    ['ULONDON', '2026-11-24', '09:00'],
  ]);
  // Nothing was written: the same question gives the same answer.
  const again = capture();
  await runCli(['due', '--at', '2026-11-24T09:00:00Z'], again.io, env);
  expect(again.out).toEqual(c.out);
  const later = capture();
  await runCli(['due', '--at', '2026-11-24T14:00:00Z'], later.io, env);
  // 14:00Z is 09:00 in New York; London's and Kathmandu's were five hours ago, outside the catch-up window.
  expect(later.out.map((l) => line.parse(JSON.parse(l)).user)).toEqual(['UNEWYORK']);
});

test('due rejects an instant it cannot read, saying what to write', async () => {
  const c = capture();
  expect(await runCli(['due', '--at', 'tomorrow'], c.io, { TRELLIS_DB: db.file })).toBe(2);
  expect(c.err.join('\n')).toContain('--at: must be an ISO instant');
  const d = capture();
  expect(await runCli(['due', '--at', '2026-02-30T09:00:00Z'], d.io, { TRELLIS_DB: db.file })).toBe(2);
  expect(d.err.join('\n')).toContain('--at');
});

test('run-due without platform credentials says so and sends nothing', async () => {
  const c = capture();
  expect(await runCli(['run-due'], c.io, { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' })).toBe(1);
  expect(c.err.join('\n')).toContain('SLACK_BOT_TOKEN');
});

test('run-due sends what is due now through Slack, once', async () => {
  const fake = await new FakeSlackApi().start();
  try {
    const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
    const all = [1, 2, 3, 4, 5, 6, 7] as Settings['promptDays'];
    seed(
      db.file,
      new Date(Date.now() - 10 * 60_000),
      { UA: { promptTime, promptDays: all }, UB: { promptTime, promptDays: all } },
      new Date(Date.now() - 30 * 86_400_000),
    );
    const env = {
      TRELLIS_DB: db.file,
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: 'xoxb-cli-test',
      SLACK_SIGNING_SECRET: 'cli-test-secret',
      SLACK_API_URL: fake.url,
    };
    const c = capture();
    expect(await runCli(['run-due'], c.io, env)).toBe(0);
    // Each coach's first prompt of the week brings the weekly summary along: two messages each.
    expect(JSON.parse(c.out[0])).toMatchObject({ enqueued: 4, sent: { slack: { sent: 4 } } });
    const kinds = (channel: string) =>
      (fake.posted.get(channel) ?? [])
        .map((m) => String((m.metadata as { event_payload: { key: string } }).event_payload.key).split(':')[0])
        .sort();
    expect(kinds('DA')).toEqual(['prompt', 'weekly']);
    expect(kinds('DB')).toEqual(['prompt', 'weekly']);
    expect(await runCli(['run-due'], capture().io, env)).toBe(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(4);
  } finally {
    await fake.stop();
  }
});

test('deliveries: counts per status and the rows settled in doubt, by id and kind only', async () => {
  seed(db.file, new Date('2026-11-23T12:00:00Z'), { UA: {}, UB: {} });
  const raw = openDatabase(db.file);
  const outbox = deliveryStore(raw);
  const row = (coachId: number) => ({
    recipient: `coach:${coachId}`,
    coachId,
    platform: 'teams' as const,
    kind: 'prompt',
    localDate: '2026-11-24',
    dueAt: '2026-11-24T09:00:00.000Z',
  });
  for (const coachId of [1, 2]) outbox.enqueue(row(coachId), '2026-11-24T08:00:00.000Z');
  const first = outbox.claimNext('teams', '2026-11-24T09:00:00.000Z', 'token-1');
  outbox.markSent(first?.id ?? 0, 'token-1', 'act-1', '2026-11-24T09:00:01.000Z', { inDoubt: true });
  raw.close();

  const c = capture();
  expect(await runCli(['deliveries', '--in-doubt'], c.io, { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' })).toBe(0);
  expect(JSON.parse(c.out[0])).toEqual({ byStatus: { sent: 1, pending: 1 }, inDoubt: 1 });
  expect(c.out.slice(1).map((l) => JSON.parse(l))).toEqual([
    {
      id: first?.id,
      platform: 'teams',
      kind: 'prompt',
      recipient: 'coach:1',
      localDate: '2026-11-24',
      status: 'sent',
      attempts: 1,
      error: null,
    },
  ]);
  const bad = capture();
  expect(await runCli(['deliveries', '--limit', '0'], bad.io, { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' })).not.toBe(
    0,
  );
  expect(bad.err.join('\n')).toContain('must be at least 1');
});

test('deliveries --failed: failed and expired rows, newest first, with reason and times, never content', async () => {
  seed(db.file, new Date('2026-11-23T12:00:00Z'), { UA: {}, UB: {}, UC: {} });
  const raw = openDatabase(db.file);
  const outbox = deliveryStore(raw);
  for (const coachId of [1, 2, 3]) {
    outbox.enqueue(
      {
        recipient: `coach:${coachId}`,
        coachId,
        platform: 'slack',
        kind: 'prompt',
        localDate: '2026-11-24',
        dueAt: '2026-11-24T09:00:00.000Z',
      },
      '2026-11-24T08:00:00.000Z',
    );
  }
  const gone = outbox.claimNext('slack', '2026-11-24T09:00:00.000Z', 't1');
  outbox.markFailed(gone?.id ?? 0, 't1', 'unreachable: Slack error: user_not_found', '2026-11-24T09:00:01.000Z');
  const late = outbox.claimNext('slack', '2026-11-24T12:00:00.000Z', 't2');
  const reason = 'expired: past its catch-up window (180 min after its due time): not delivered, last error: 503';
  outbox.markFailed(late?.id ?? 0, 't2', reason, '2026-11-24T12:00:00.000Z');
  raw.close();

  const c = capture();
  const env = { TRELLIS_DB: db.file, LOG_LEVEL: 'silent' };
  expect(await runCli(['deliveries', '--failed', '--limit', '10'], c.io, env)).toBe(0);
  expect(JSON.parse(c.out[0])).toEqual({
    byStatus: { failed: 2, pending: 1 },
    inDoubt: 0,
    failedListed: 2,
    expiredListed: 1,
  });
  const common = { platform: 'slack', kind: 'prompt', localDate: '2026-11-24', attempts: 1, inDoubt: false };
  const times = { dueAt: '2026-11-24T09:00:00.000Z', createdAt: '2026-11-24T08:00:00.000Z' };
  expect(c.out.slice(1).map((l) => JSON.parse(l))).toEqual([
    {
      id: late?.id,
      coach: 2,
      recipient: 'coach:2',
      status: 'expired',
      reason,
      finishedAt: '2026-11-24T12:00:00.000Z',
      ...common,
      ...times,
    },
    {
      id: gone?.id,
      coach: 1,
      recipient: 'coach:1',
      status: 'failed',
      reason: 'unreachable: Slack error: user_not_found',
      finishedAt: '2026-11-24T09:00:01.000Z',
      ...common,
      ...times,
    },
  ]);
  // --in-doubt and --limit keep working beside it.
  const both = capture();
  expect(await runCli(['deliveries', '--failed', '--in-doubt', '--limit', '1'], both.io, env)).toBe(0);
  expect(both.out).toHaveLength(2);
});
