import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import { type Message, toPlainText } from '../../src/core/message';
import type { Reply } from '../../src/core/trellis';
import { SlackMessenger } from '../../src/platforms/slack/messenger';
import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { addCheck, addReflection, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

// Friday 8 January 2027, 15:00 UTC: the digest reports on the week of 4–10 Jan 2027.
const NOW = '2027-01-08T15:00:00Z';
const CHANNEL = 'C0PEERS';
const NOTE = 'Client Rosalind cried about the merger';
const PRIVATE_REFLECTION = 'Private: I froze when Rosalind raised her divorce.';

function text(reply: Reply): string {
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages.map(toPlainText).join('\n');
}

/** Every way the digest leaves the core: Block Kit JSON, the fallback text, and plain text. */
function payloads(m: Message): string {
  return [JSON.stringify(renderBlocks(m)), renderFallbackText(m), toPlainText(m)].join('\n');
}

/** A group of four members; the first `checkingIn` of them check in this week with distinctive ratings. */
function groupWith(checkingIn: number, minGroupSize?: number) {
  const t = makeWeeklyTrellis(NOW, { minGroupSize });
  const here = inChannel(CHANNEL);
  expect(text(t.trellis.handleText(slackRef('U0'), '/selfcheck digest here fri 15:00', here))).toContain(
    'every Friday at 15:00 (UTC)',
  );
  const members = ['U1', 'U2', 'U3', 'U4'].map((user) => {
    expect(text(t.trellis.handleText(slackRef(user), '/selfcheck group join', here))).toContain('You joined');
    return t.trellis.coach(slackRef(user));
  });
  // Distinctive per-coach ratings (5, 4, 2 …) so any leaked single value would be recognisable.
  const values = [5, 4, 2, 1] as const;
  members.slice(0, checkingIn).forEach((coach, i) => {
    addCheck(t.repos, coach, '2027-01-05', ratings(values[i]), NOTE);
    addReflection(t.repos, coach, '2027-01-06', PRIVATE_REFLECTION);
  });
  const group = t.repos.groups.find('slack', 'T1', CHANNEL)!;
  return { t, members, group };
}

describe('the digest is anonymous by construction', () => {
  test('two contributors: no numbers anywhere in what is posted, and it says why', async () => {
    const { t, group } = groupWith(2);
    try {
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const posted = payloads(digest);
      expect(posted).toContain('4 members; 2 checked in during the week.');
      expect(posted).toContain('not enough check-ins to share anonymously');
      expect(posted).not.toMatch(/\d\.\d/); // no mean, no change
      expect(posted).not.toMatch(/[↑↓→]/);
      expect(posted).not.toContain('Rosalind');
      expect(posted).not.toContain('Private:');
      expect(digest.image).toBeUndefined(); // no chart without numbers
      expect(digest.preformatted).toBeUndefined();
      // The data handed to the message builder has no group numbers either.
      const data = t.trellis.weekly.digestData(group, new Date(NOW));
      expect(data.behaviours.every((b) => !b.shown && b.mean === null && b.series.every((v) => v === null))).toBe(true);
    } finally {
      t.close();
    }
  });

  test('three contributors: the group means and the chart appear, still no single coach', async () => {
    const { t, group } = groupWith(3);
    try {
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const posted = payloads(digest);
      expect(posted).toContain('4 members; 3 checked in during the week.');
      // (5 + 4 + 2) / 3 = 3.7 for every behaviour.
      for (const row of digest.preformatted!.slice(1)) expect(row).toMatch(/^\w+\s+3\.7\s/);
      expect(posted).not.toMatch(/\b5\.0\b|\b4\.0\b|\b2\.0\b/);
      expect(posted).not.toContain('not enough check-ins');
      expect(posted).not.toContain('Rosalind');
      expect(digest.image?.png.length).toBeGreaterThan(1000);
    } finally {
      t.close();
    }
  });

  test('a behaviour rated by only two is withheld even when others are shown', async () => {
    const { t, members, group } = groupWith(2);
    try {
      addCheck(t.repos, members[2], '2027-01-07', { context: 3 }); // third coach rates only context
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const rows = digest.preformatted!;
      expect(rows.find((r) => r.startsWith('Context'))).toMatch(/Context\s+4\.0\s/); // (5 + 4 + 3) / 3
      for (const key of BEHAVIOUR_KEYS.filter((k) => k !== 'context')) {
        expect(rows.find((r) => r.toLowerCase().startsWith(key))).toContain('not enough check-ins');
      }
    } finally {
      t.close();
    }
  });

  test('the minimum comes from configuration but never drops below 3', async () => {
    const four = groupWith(3, 4);
    try {
      const posted = payloads((await four.t.trellis.digestFor(four.group.id, new Date(NOW)))!);
      expect(posted).not.toMatch(/\d\.\d/);
      expect(posted).toContain('at least 4 members');
    } finally {
      four.t.close();
    }
    const one = groupWith(2, 1);
    try {
      expect(payloads((await one.t.trellis.digestFor(one.group.id, new Date(NOW)))!)).not.toMatch(/\d\.\d/);
    } finally {
      one.t.close();
    }
  });

  test('a coach who left no longer counts', async () => {
    const { t, group } = groupWith(3);
    try {
      expect(text(t.trellis.handleText(slackRef('U3'), 'group leave', inChannel(CHANNEL)))).toContain('You left');
      const posted = payloads((await t.trellis.digestFor(group.id, new Date(NOW)))!);
      expect(posted).toContain('3 members; 2 checked in during the week.');
      expect(posted).not.toMatch(/\d\.\d/);
    } finally {
      t.close();
    }
  });

  test('as posted to Slack: chat.postMessage to the channel carries no numbers at 2, numbers and a file at 3', async () => {
    const slack = await new FakeSlackApi().start();
    try {
      const poster = new SlackMessenger('xoxb-test', { apiUrl: slack.url });
      for (const [contributors, expectNumbers] of [
        [2, false],
        [3, true],
      ] as const) {
        slack.clear();
        const { t, group } = groupWith(contributors);
        try {
          await poster.sendToChannel(
            group,
            (await t.trellis.digestFor(group.id, new Date(NOW)))!,
            `digest:${group.id}`,
          );
        } finally {
          t.close();
        }
        const posts = slack.callsTo('chat.postMessage');
        expect(posts).toHaveLength(1);
        expect(posts[0].body.channel).toBe(CHANNEL);
        const body = JSON.stringify(posts[0].body);
        expect(body).not.toContain('Rosalind');
        if (expectNumbers) {
          expect(body).toMatch(/3\.7/);
          const completed = slack.callsTo('files.completeUploadExternal');
          expect(completed).toHaveLength(1);
          expect(completed[0].body.channel_id).toBe(CHANNEL);
        } else {
          expect(body).not.toMatch(/\d\.\d/);
          expect(body).toContain('not enough check-ins to share anonymously');
          expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(0);
        }
      }
    } finally {
      await slack.stop();
    }
  });
});

describe('sharing a reflection is deliberate', () => {
  test('share shows a preview with warnings; only the Share button puts it in the digest, without a name', async () => {
    const { t, group } = groupWith(3);
    try {
      const u1 = slackRef('U1');
      t.trellis.handleText(u1, 'settings companies Globex, Initech');
      const coach = t.trellis.coach(u1);
      const reflection = addReflection(
        t.repos,
        coach,
        '2027-01-07',
        'My client Dana at Globex went quiet when I asked about her manager; I waited, and she went on.',
      );
      const preview = t.trellis.handleText(u1, 'share');
      expect(preview.type).toBe('messages');
      const shown = preview.type === 'messages' ? preview.messages[0] : undefined;
      const previewText = toPlainText(shown!);
      expect(previewText).toContain('#peer-group would see');
      expect(previewText).toContain('a name after "client" or "coachee": Dana');
      expect(previewText).toContain('a client company you listed: Globex');
      expect(shown?.buttons?.[0]).toMatchObject({
        action: 'share',
        label: 'Share anyway',
        value: String(reflection.id),
      });
      // Nothing shared yet.
      expect(toPlainText((await t.trellis.digestFor(group.id, new Date(NOW)))!)).not.toContain('Dana');

      // The button (what a platform adapter calls for action 'share').
      expect(toPlainText(t.trellis.shareReflection(u1, reflection.id))).toContain('Shared with #peer-group');
      const digest = toPlainText((await t.trellis.digestFor(group.id, new Date(NOW)))!);
      expect(digest).toContain('Shared by members since the last digest (1, without names)');
      expect(digest).toContain('My client Dana at Globex went quiet');
      expect(digest).not.toContain('Private:'); // the other, unshared reflections stay private
      expect(digest).not.toContain('U1');
      // Sharing again changes nothing; another coach cannot share it.
      expect(toPlainText(t.trellis.shareReflection(u1, reflection.id))).toContain('Already shared');
      expect(text(t.trellis.handleText(slackRef('U2'), `share confirm ${reflection.id}`))).toContain(
        'not one of yours',
      );
    } finally {
      t.close();
    }
  });

  test('sharing needs a group; digest and group commands need a channel', () => {
    const t = makeWeeklyTrellis(NOW, { charts: false });
    try {
      const u = slackRef('U9');
      addReflection(t.repos, t.trellis.coach(u), '2027-01-07', 'A plain reflection.');
      expect(text(t.trellis.handleText(u, 'share'))).toContain('not in a peer-supervision group yet');
      expect(text(t.trellis.handleText(u, '/selfcheck digest here'))).toContain('not in a direct message');
      expect(text(t.trellis.handleText(u, '/selfcheck group join', inChannel('C0OTHER')))).toContain(
        'not a peer-supervision channel yet',
      );
      expect(text(t.trellis.handleText(u, '/selfcheck digest here someday', inChannel('C1')))).toContain(
        'neither a day nor a time',
      );
      expect(t.repos.groups.all()).toHaveLength(0);
    } finally {
      t.close();
    }
  });
});

describe('all digests in one pass', () => {
  test('agree with each group computed on its own', () => {
    const { t, members } = groupWith(3);
    try {
      t.trellis.handleText(slackRef('U5'), '/selfcheck digest here mon 9am', inChannel('C0SECOND', 'second'));
      for (const coach of members.slice(1)) {
        t.repos.groups.join(t.repos.groups.find('slack', 'T1', 'C0SECOND')!.id, coach.id, NOW);
      }
      const all = t.trellis.weekly.allDigests(new Date(NOW));
      expect(all).toHaveLength(2);
      for (const { group, digest } of all) {
        expect(digest).toEqual(t.trellis.weekly.digestData(group, new Date(NOW)));
      }
      expect(all[1].digest).toMatchObject({ members: 3, checkedIn: 2 });
    } finally {
      t.close();
    }
  });
});

describe('shared reflections and the weekly rhythm', () => {
  test('each shared reflection appears in exactly one weekly digest, also when shared just after one went out', async () => {
    const { t, group } = groupWith(3);
    try {
      const u1 = slackRef('U1');
      const coach = t.trellis.coach(u1);
      const friday = new Date(NOW); // digest day, 15:00
      const saturday = '2027-01-09T10:00:00Z';
      const nextFriday = new Date('2027-01-15T15:00:00Z');
      const reflection = addReflection(t.repos, coach, '2027-01-09', 'Shared on the Saturday after a digest.');
      t.clock.set(saturday);
      t.trellis.shareReflection(u1, reflection.id);
      const texts = await Promise.all(
        [friday, nextFriday, new Date('2027-01-22T15:00:00Z')].map(async (at) =>
          toPlainText((await t.trellis.digestFor(group.id, at, { chart: false }))!),
        ),
      );
      expect(texts.map((x) => x.includes('Shared on the Saturday'))).toEqual([false, true, false]);
    } finally {
      t.close();
    }
  });
});

describe('many or long shared reflections', () => {
  test('every shared word reaches Slack uncut; beyond ten reflections the digest says how many more', async () => {
    const { t, members, group } = groupWith(3);
    try {
      const u1 = slackRef('U1');
      const long = `${'A long reflection about silence and waiting. '.repeat(85)}The end.`; // about 3,900 characters
      const first = addReflection(t.repos, members[0], '2027-01-07', long);
      t.trellis.shareReflection(u1, first.id);
      for (let i = 0; i < 11; i++) {
        t.trellis.shareReflection(u1, addReflection(t.repos, members[0], '2027-01-07', `Short one ${i}.`).id);
      }
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW), { chart: false }))!;
      const blocks = renderBlocks(digest);
      const sectionTexts = blocks.flatMap((b) =>
        b.type === 'section' && b.text && typeof b.text === 'object' ? [b.text.text] : [],
      );
      expect(sectionTexts.every((text) => text.length <= 3000)).toBe(true);
      expect(sectionTexts.join(' ').replace(/\s+/g, ' ')).toContain(`“${long}”`.replace(/\s+/g, ' '));
      expect(toPlainText(digest)).toContain('Short one 8.');
      expect(toPlainText(digest)).not.toContain('Short one 9.');
      expect(toPlainText(digest)).toContain('…and 2 more; the digest shows the first 10.');
      expect(blocks.length).toBeLessThanOrEqual(50);
    } finally {
      t.close();
    }
  });
});
