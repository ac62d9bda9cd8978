import type { TurnContext } from 'botbuilder';
import { FakeBotConnector } from '../../helpers/fake-bot-connector';
import { personalMessage } from './harness';
import { useTeams } from './use-teams';

/**
 * CloudAdapter made a new ConnectorClient and a new UserTokenClient (each a fresh HTTP pipeline, ~360 µs of CPU
 * together) for every activity. Trellis's authentication (src/platforms/teams/turn-clients.ts) keeps them: every turn
 * from one service URL sends through the same client, another service URL gets its own, and replies still go to the
 * connector the activity named.
 */
describe('a Teams turn reuses the outbound clients of earlier turns', () => {
  const t = useTeams();
  const other = new FakeBotConnector();
  const seen: { connector: unknown; tokens: unknown; serviceUrl: string }[] = [];

  beforeAll(async () => {
    await other.start();
    const { adapter } = t.teams.teams;
    adapter.use(async (context: TurnContext, next) => {
      seen.push({
        connector: context.turnState.get(adapter.ConnectorClientKey),
        tokens: context.turnState.get(adapter.UserTokenClientKey),
        serviceUrl: context.activity.serviceUrl,
      });
      await next();
    });
  });
  afterAll(() => other.stop());

  it('one connector client per service URL, one token client, replies where each activity came from', async () => {
    expect((await t.say('reuse-a', 'help')).status).toBe(200);
    expect((await t.say('reuse-b', 'help')).status).toBe(200);
    expect((await t.teams.post(personalMessage(other.url, 'reuse-c', 'help'))).status).toBe(200);

    expect(seen.map((s) => s.serviceUrl)).toEqual([t.connector.url, t.connector.url, other.url]);
    expect(seen[0].connector).toBeDefined();
    expect(seen[1].connector).toBe(seen[0].connector);
    expect(seen[2].connector).not.toBe(seen[0].connector);
    expect(seen[1].tokens).toBe(seen[0].tokens);
    expect(seen[2].tokens).toBe(seen[0].tokens);

    const repliesTo = (c: FakeBotConnector, user: string) =>
      c.activities((call) => call.conversationId === `a:personal-${user}`).length;
    expect(repliesTo(t.connector, 'reuse-a')).toBeGreaterThan(0);
    expect(repliesTo(t.connector, 'reuse-b')).toBeGreaterThan(0);
    expect(repliesTo(other, 'reuse-c')).toBeGreaterThan(0);
    expect(repliesTo(t.connector, 'reuse-c')).toBe(0);
  });
});
