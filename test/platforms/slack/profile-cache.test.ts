import { WebClient } from '@slack/web-api';
import { createLogger } from '../../../src/log';
import { SlackProfiles } from '../../../src/platforms/slack/profiles';
import { FixedClock } from '../../helpers/clock';
import { FakeSlackApi } from '../../helpers/fake-slack-api';

/**
 * The profiles a server keeps are bounded (the most recently used), so a workspace where thousands of coaches write
 * in a few hours does not keep every one in memory for six; a coach whose profile was let go is looked up again.
 */
const fake = new FakeSlackApi();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const lookupsFor = (user: string) => fake.callsTo('users.info').filter((c) => c.body.user === user).length;

test('keeps the most recently used profiles up to its bound, and looks a let-go one up again', async () => {
  const clock = new FixedClock('2026-12-01T09:00:00Z');
  const profiles = new SlackProfiles(
    clock,
    createLogger('error', {}, () => undefined),
    { kept: 2 },
  );
  const client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  const lookup = (user: string) => profiles.lookup(client, 'T0TEAM', user);
  await lookup('U1');
  await lookup('U2');
  expect(profiles.cached('T0TEAM', 'U1')?.timeZone).toBe('Europe/London'); // U1 is now the most recent
  await lookup('U3'); // over the bound: U2, the least recently used, is let go
  expect(profiles.cached('T0TEAM', 'U2')).toBeUndefined();
  await lookup('U1');
  await lookup('U2');
  expect([lookupsFor('U1'), lookupsFor('U2'), lookupsFor('U3')]).toEqual([1, 2, 1]);
});

test('an expired profile is let go and looked up again', async () => {
  const clock = new FixedClock('2026-12-01T09:00:00Z');
  const profiles = new SlackProfiles(
    clock,
    createLogger('error', {}, () => undefined),
  );
  const client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  await profiles.lookup(client, 'T0TEAM', 'U9');
  clock.advance(6 * 60 * 60 * 1000 + 1);
  expect(profiles.cached('T0TEAM', 'U9')).toBeUndefined();
  await profiles.lookup(client, 'T0TEAM', 'U9');
  expect(lookupsFor('U9')).toBe(2);
});
