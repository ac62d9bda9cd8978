import type { Coach } from '../../../src/core/model';
import { SlackMessenger } from '../../../src/platforms/slack/messenger';
import { FakeSlackApi } from '../../helpers/fake-slack-api';

/**
 * The DM channel ids a messenger keeps are bounded (the most recently used), so a fan-out to 100,000 coaches does
 * not keep 100,000 of them; a coach whose id was let go gets their DM opened again, and still gets their message.
 */
const fake = new FakeSlackApi();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const coach = (user: string) => ({ platform: 'slack', tenant: 'T0TEAM', user }) as Coach;
const opensFor = (user: string) => fake.callsTo('conversations.open').filter((c) => c.body.users === user).length;

test('keeps the most recently used DM ids up to its bound, and opens a let-go DM again', async () => {
  const messenger = new SlackMessenger('xoxb-test', { apiUrl: fake.url, dmChannelsKept: 2 });
  const send = (user: string, n: number) =>
    messenger.sendDirect(coach(user), { title: 'Prompt', lines: ['…'] }, `prompt:${user}:${n}`);
  await send('U1', 1);
  await send('U2', 1);
  await send('U1', 2); // U1 is now the most recent: U2 is the oldest
  await send('U3', 1); // over the bound: U2 is let go
  await send('U1', 3);
  await send('U2', 2);
  expect([opensFor('U1'), opensFor('U2'), opensFor('U3')]).toEqual([1, 2, 1]);
  const posts = fake.callsTo('chat.postMessage').map((c) => c.body.channel);
  expect(posts).toEqual(['D1', 'D2', 'D1', 'D3', 'D1', 'D2']);
});
