import { weeklyChannelPlanner } from '../../src/schedule/channel-planner';
import { channelRecipient } from '../../src/schedule/delivery';
import { makeSchedulerHarness } from './harness';

test('a channel digest (Monday 10:00 London) is queued once a week through the same outbox and posted to the channel', async () => {
  const planner = weeklyChannelPlanner(
    'digest',
    () => [
      { platform: 'slack', tenant: 'T0TEAM', channelId: 'C0GROUP', day: 1, time: '10:00', timeZone: 'Europe/London' },
    ],
    180,
  );
  const x = await makeSchedulerHarness({
    start: '2026-11-22T12:00:00Z',
    planners: [planner],
    producers: (registry) => registry.register('digest', () => ({ lines: ['This week in the group'] })),
  });
  try {
    await x.tickEveryMinute('2026-11-23T09:00:00Z', '2026-11-24T12:00:00Z', 30);
    const row = x.deliveries.byKey(channelRecipient('T0TEAM', 'C0GROUP'), 'digest', '2026-11-23');
    expect(row).toMatchObject({ kind: 'digest', dueAt: '2026-11-23T10:00:00.000Z', coachId: null });
    expect(x.deliveries.byKey(channelRecipient('T0TEAM', 'C0GROUP'), 'digest', '2026-11-24')).toBeUndefined();
    // Slack posts digests to the channel itself, tagged with the delivery key like a DM.
    expect(row?.status).toBe('sent');
    const posted = x.fake.posted.get('C0GROUP') ?? [];
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      metadata: { event_payload: { key: 'digest:channel:T0TEAM:C0GROUP:2026-11-23' } },
    });
  } finally {
    await x.close();
  }
});
