import { cli } from '../../helpers/cli';
import { type ChannelPlatform, PLATFORMS } from '../../helpers/digest-channels';

const WEDNESDAY = '2027-01-06T10:00:00Z';
const MONDAY_DIGEST = '2027-01-11T09:00:00Z';
const MEMBERS = ['U1LEAD', 'U2PEER', 'U3PEER', 'U4PEER', 'U5PEER'];

/** Whatever Trellis posts to a channel it can also remove: `digest stop remove-posts` and `group-stop --remove-posts`. */
describe.each(PLATFORMS)('%s: stopping a channel can remove the digests Trellis posted there', (_label, start) => {
  let p: ChannelPlatform;
  let channel: string;
  beforeEach(async () => {
    p = await start(WEDNESDAY);
    channel = p.channel(1);
    await p.say('U1LEAD', channel, 'digest here');
    for (const user of MEMBERS) {
      await p.say(user, channel, 'group join');
      await p.selfcheck(user, '4 4 4 4 4 4');
    }
    expect((await p.runDue(MONDAY_DIGEST)).get(channel)).toContain('most');
  });
  afterEach(() => p.stop());

  /** The recorded posts in the channel, as the removal calls that would take each away. */
  const expectedRemovals = () =>
    (
      p.app.db.prepare('SELECT kind, conversation, item_id FROM platform_messages WHERE channel = ?').all(channel) as {
        kind: string;
        conversation: string;
        item_id: string;
      }[]
    )
      .map((r) => {
        if (p.name === 'teams') return `delete ${r.conversation} ${r.item_id}`;
        return r.kind === 'file' ? `files.delete ${r.item_id}` : `chat.delete ${r.conversation} ${r.item_id}`;
      })
      .sort();

  test('a plain stop says the posts stay and how to remove them; remove-posts removes digest and chart', async () => {
    const posted = expectedRemovals();
    // Slack: the digest message and its chart file; Teams: the digest activity (its chart is inline).
    expect(posted).toHaveLength(p.name === 'slack' ? 2 : 1);

    const stopped = await p.say('U1LEAD', channel, 'digest stop');
    expect(stopped).toContain("Trellis's earlier digests stay in this channel");
    expect(stopped).toContain(`npm run cli -- group-stop --channel ${channel} --remove-posts`);
    expect(await p.removeQueued()).toEqual([]);
    expect(expectedRemovals()).toEqual(posted);

    // Registered again and stopped with remove-posts: the old digest goes too.
    await p.say('U1LEAD', channel, 'digest here');
    const removing = await p.say('U1LEAD', channel, 'digest stop remove-posts');
    expect(removing).toContain(`Trellis is removing its ${posted.length} earlier post`);
    expect((await p.removeQueued()).sort()).toEqual(posted);
    expect(expectedRemovals()).toEqual([]);
  });

  test('only the registering coach may remove the posts', async () => {
    expect(await p.say('U2PEER', channel, 'digest stop remove-posts')).toContain(
      'Only the coach who registered this channel',
    );
    expect(await p.removeQueued()).toEqual([]);
    expect(expectedRemovals()).not.toEqual([]);
  });

  test('group-stop --remove-posts queues them for the server, even for a channel already stopped', async () => {
    const posted = expectedRemovals();
    const env = { TRELLIS_DB: p.dbFile, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
    const plain = await cli(['group-stop', '--channel', channel], env);
    expect(plain).toMatchObject({ code: 0 });
    expect(plain.out).toContain('add --remove-posts to remove them');
    expect(await p.removeQueued()).toEqual([]);

    const removed = await cli(['group-stop', '--channel', channel, '--platform', p.name, '--remove-posts'], env);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.out).toContain(`queued ${posted.length} of Trellis's posts in channel ${channel} for removal`);
    expect((await p.removeQueued()).sort()).toEqual(posted);
    expect(expectedRemovals()).toEqual([]);
    expect((await cli(['group-stop', '--channel', channel, '--remove-posts'], env)).out).toContain(
      `no posts of Trellis's recorded in channel ${channel}`,
    );
  });
});
