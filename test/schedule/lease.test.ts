import { openDatabase } from '../../src/store';
import { deliveryStore } from '../../src/store/deliveries';
import { tempDbFile } from '../helpers/temp-db';

/**
 * The lease of a claimed row runs from its last recorded step, not from the claim: a row whose message took long to
 * build (a chart rendered on a loaded machine, a wait for another process's lock) and whose post was then in flight
 * when its sender died is taken over no sooner than a lease after that post began. Its lookup therefore comes after
 * the post's timeout and settle (lease > timeout + settle), so a post Slack completes late is found, not sent twice.
 */

const LEASE_MS = 5 * 60_000;
const at = (hms: string) => `2026-11-27T${hms}.000Z`;
/** What the scheduler releases at `now` (jobs.ts: rows claimed before now - lease). */
const leaseStart = (now: string) => new Date(Date.parse(now) - LEASE_MS).toISOString();

function outbox() {
  const { file, cleanup } = tempDbFile();
  const db = openDatabase(file);
  const store = deliveryStore(db);
  const row = { coachId: null, platform: 'slack' as const, localDate: '2026-11-27', dueAt: at('09:00:00') };
  for (const channel of ['C1', 'C2']) {
    store.enqueue({ ...row, recipient: `channel:T1:${channel}`, kind: 'digest' }, at('08:00:00'));
  }
  return {
    store,
    close: () => {
      db.close();
      cleanup();
    },
  };
}

test('a post that began long after its claim is released a lease after the post began, then as uncertain', () => {
  const { store, close } = outbox();
  try {
    const row = store.claimNext('slack', at('09:00:00'), 'a');
    expect(row).toBeDefined();
    // Four minutes to build the message, then the post goes out and the sender dies mid-call.
    expect(store.markStage(row?.id ?? 0, 'a', 'posting', at('09:04:00'))).toBe(true);
    // A lease after the claim, but only a minute after the post began: still the dead sender's (it used to be
    // released here, and looked up before a post Slack was still completing could show up).
    expect(store.releaseAbandoned(leaseStart(at('09:05:30')))).toBe(0);
    expect(store.byKey(row?.recipient ?? '', 'digest', '2026-11-27')).toMatchObject({ status: 'sending' });
    expect(store.releaseAbandoned(leaseStart(at('09:09:01')))).toBe(1);
    expect(store.byKey(row?.recipient ?? '', 'digest', '2026-11-27')).toMatchObject({
      status: 'pending',
      uncertain: true,
      stage: 'posting',
    });
  } finally {
    close();
  }
});

test('each step restarts the lease: the chart upload after a slow text, and a row that never reached a step', () => {
  const { store, close } = outbox();
  try {
    const chart = store.claimNext('slack', at('09:00:00'), 'a');
    const building = store.claimNext('slack', at('09:00:00'), 'b');
    expect(store.markStage(chart?.id ?? 0, 'a', 'posting', at('09:00:01'))).toBe(true);
    expect(store.markStage(chart?.id ?? 0, 'a', 'posted', at('09:01:00'), '1764234060.000100')).toBe(true);
    expect(store.markStage(chart?.id ?? 0, 'a', 'uploading', at('09:03:00'))).toBe(true);
    // A claim taken over marks nothing, and does not move the lease.
    expect(store.markStage(chart?.id ?? 0, 'stolen', 'posting', at('09:07:00'))).toBe(false);
    // Five minutes after the claims: only the row still building its message (no step since) is released.
    expect(store.releaseAbandoned(leaseStart(at('09:05:01')))).toBe(1);
    expect(store.byKey(building?.recipient ?? '', 'digest', '2026-11-27')).toMatchObject({
      status: 'pending',
      uncertain: false,
    });
    expect(store.byKey(chart?.recipient ?? '', 'digest', '2026-11-27')).toMatchObject({ status: 'sending' });
    expect(store.releaseAbandoned(leaseStart(at('09:08:01')))).toBe(1);
    expect(store.byKey(chart?.recipient ?? '', 'digest', '2026-11-27')).toMatchObject({
      status: 'pending',
      stage: 'uploading',
      messageId: '1764234060.000100',
    });
  } finally {
    close();
  }
});
