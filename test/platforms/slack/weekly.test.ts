import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackMessenger } from '../../../src/platforms/slack/messenger';
import { SlackHarness } from '../../helpers/slack-harness';
import { addCheck, addReflection, ratings } from '../../helpers/weekly';

const TEAM = 'T0TEAM';
const CHANNEL = 'C0PEERS';

/** Peer supervision over signed HTTP: register a channel, join, share with the button, post the digest. */
describe('Slack: peer-supervision channel, sharing and the digest', () => {
  // Friday 8 January 2027; the digest on Monday 11 January reports on the closed week of 4–10 January.
  const h = new SlackHarness({ start: '2027-01-08T15:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  const refOf = (user: string) => ({ platform: 'slack' as const, tenant: TEAM, user });
  /** What the coach sees: the ack's own body (a fast answer) or what came later via response_url. */
  const answer = async (sent: { triggerId: string; response: { json?: unknown } }) => {
    await h.idle();
    return [
      JSON.stringify(sent.response.json ?? {}),
      ...h.responses(sent.triggerId).map((r) => JSON.stringify(r.body)),
    ];
  };

  test('digest here, group join, share preview with warnings, the Share button, the posted digest', async () => {
    const here = await h.command('U1LEAD', 'digest here fri 15:00', { channel: CHANNEL });
    expect((await answer(here)).join()).toContain('every Friday at 15:00');
    const users = ['U1LEAD', 'U2PEER', 'U3PEER', 'U4PEER', 'U5PEER'];
    for (const user of users) {
      const joined = await h.command(user, 'group join', { channel: CHANNEL });
      expect((await answer(joined)).join()).toContain('You joined');
    }
    const group = h.ctx.repos.groups.find('slack', TEAM, CHANNEL)!;
    expect(h.ctx.repos.groups.memberCount(group.id)).toBe(5);

    for (const [i, user] of users.entries()) {
      const coach = h.ctx.repos.coaches.find(refOf(user))!;
      addCheck(h.ctx.repos, coach, '2027-01-05', ratings(([3, 4, 5, 4, 5] as const)[i]), 'Client Rosalind was upset');
    }
    const lead = h.ctx.repos.coaches.find(refOf('U1LEAD'))!;
    const reflection = addReflection(h.ctx.repos, lead, '2027-01-07', 'My client Maria paused; I stayed quiet.');

    // The preview is ephemeral, in the DM, and warns about the name; nothing is shared yet.
    const preview = await h.command('U1LEAD', 'share');
    const previewBody = (await answer(preview)).join();
    expect(previewBody).toContain('a name after');
    expect(previewBody).toContain('Maria');
    expect(previewBody).toContain('"action_id":"share"');
    expect(h.ctx.repos.sharedReflections.groupsSharedWith(reflection.id)).toEqual([]);

    const pressed = await h.button('U1LEAD', 'share', String(reflection.id));
    expect(pressed.response.status).toBe(200);
    expect((await answer(pressed)).join()).toContain('Shared with');
    expect(h.ctx.repos.sharedReflections.groupsSharedWith(reflection.id)).toEqual([group.id]);
    // Another coach pressing Share with that id shares nothing.
    const other = await h.button('U2PEER', 'share', String(reflection.id));
    expect((await answer(other)).join()).toContain('not one of yours');

    // The digest as posted to the channel on Monday about the closed week: bands only, the shared reflection, no note.
    const digest = await h.ctx.trellis.digestFor(group.id, new Date('2027-01-11T09:00:00Z'));
    const poster = new SlackMessenger('xoxb-test', { apiUrl: h.fake.url });
    await poster.sendToChannel(group, digest!, `digest:${group.id}:2027-01-04`);
    const posted = h.calls('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
    expect(posted).toHaveLength(1);
    const body = JSON.stringify(posted[0].body);
    expect(body).toContain('5 members at the end of the week; at least 5 members checked in during the week.');
    expect(body).toMatch(/Context\s+most/);
    expect(body).not.toMatch(/\d\.\d/);
    expect(body).toContain('My client Maria paused');
    expect(body).not.toContain('Rosalind');
    expect(h.calls('files.completeUploadExternal').some((c) => c.body.channel_id === CHANNEL)).toBe(true);
  });
});
