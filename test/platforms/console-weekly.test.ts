import { PassThrough } from 'node:stream';
import { runConsoleChat } from '../../src/platforms/console/chat';
import { makeWeeklyTrellis } from '../helpers/weekly';

describe('terminal chat: a simulated channel for peer-supervision commands', () => {
  test('register, join, preview the digest, share from the DM, see it in the digest', async () => {
    const t = makeWeeklyTrellis('2027-01-08T15:00:00Z', { charts: false });
    try {
      const input = new PassThrough();
      const output = new PassThrough();
      let seen = '';
      output.on('data', (chunk) => {
        seen += String(chunk);
      });
      const lines = [
        'prompt',
        'I noticed I filled a silence too quickly.',
        'channel peers',
        'digest here fri 15:00',
        'group join',
        'dm',
        'share',
        'share confirm 1',
        'channel peers',
        'digest',
      ];
      input.end(`${lines.join('\n')}\n`);
      await runConsoleChat({
        trellis: t.trellis,
        user: 'me',
        input,
        output,
        interactive: false,
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      expect(seen).toContain('Now typing in #peers, a simulated channel');
      expect(seen).toContain('This channel is now a peer-supervision channel: the digest comes every Friday at 15:00');
      expect(seen).toContain('You joined #peers.');
      expect(seen).toContain('This is what #peers would see in the next weekly digest');
      expect(seen).toContain('[Share] [Keep it private]');
      expect(seen).toContain('Shared with #peers, without your name.');
      expect(seen).toContain('Peer-supervision digest for peers: 4–10 Jan 2027');
      expect(seen).toContain('“I noticed I filled a silence too quickly.”');
      expect(seen).toContain('not enough check-ins to share anonymously');
      expect(t.repos.groups.all()).toMatchObject([{ platform: 'console', channelId: 'local-peers', name: 'peers' }]);
    } finally {
      t.close();
    }
  });
});
