import { PassThrough } from 'node:stream';
import { runConsoleChat } from '../../src/platforms/console/chat';
import { makeWeeklyTrellis } from '../helpers/weekly';

describe('terminal chat: a simulated channel for peer-supervision commands', () => {
  test('register, join, share from the DM, see it in the digest once published', async () => {
    const t = makeWeeklyTrellis('2027-01-08T15:00:00Z', { charts: false });
    /** One terminal session typing `lines`; returns everything it printed. */
    const session = async (lines: string[]) => {
      const input = new PassThrough();
      const output = new PassThrough();
      let seen = '';
      output.on('data', (chunk) => {
        seen += String(chunk);
      });
      input.end(`${lines.join('\n')}\n`);
      await runConsoleChat({
        trellis: t.trellis,
        user: 'me',
        input,
        output,
        interactive: false,
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      return seen;
    };
    try {
      const first = await session([
        'prompt',
        'I noticed I filled a silence too quickly.',
        'channel peers',
        'digest here',
        'group join',
        'digest',
        'dm',
        'share',
        'share confirm 1',
      ]);
      expect(first).toContain('Now typing in #peers, a simulated channel');
      expect(first).toContain('This channel is now a peer-supervision channel: the digest comes every Monday at 09:00');
      expect(first).toContain('You joined #peers.');
      expect(first).toContain('No digest has been published here yet.');
      expect(first).toContain('This is what #peers would see in the next weekly digest');
      expect(first).toContain('[Share] [Keep it private]');
      expect(first).toContain(
        'Shared with #peers, without your name (the words themselves may still tell your group who wrote them).',
      );
      expect(t.repos.groups.all()).toMatchObject([{ platform: 'console', channelId: 'local-peers', name: 'peers' }]);

      // Monday 09:00: the scheduler's build publishes the week; "digest" then shows it.
      const group = t.repos.groups.all()[0];
      await t.trellis.digestFor(group.id, new Date('2027-01-11T09:00:00Z'), { chart: false });
      t.clock.set('2027-01-11T10:00:00Z');
      const second = await session(['channel peers', 'digest']);
      expect(second).toContain('Peer-supervision digest for peers: 4–10 Jan 2027');
      expect(second).toContain('“I noticed I filled a silence too quickly.”');
      expect(second).toContain('fewer than 5 members checked in during the week, so there are no group figures');
    } finally {
      t.close();
    }
  });
});
