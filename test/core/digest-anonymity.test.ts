import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import { type Message, toPlainText } from '../../src/core/message';
import type { Reply } from '../../src/core/trellis';
import { SlackMessenger } from '../../src/platforms/slack/messenger';
import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { addCheck, addReflection, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

// Monday 11 January 2027, 09:00 UTC: the digest reports on the closed week of 4–10 Jan 2027.
const NOW = '2027-01-11T09:00:00Z';
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

/** A group of six members, joined on Wednesday; the first `checkingIn` check in that week with distinctive ratings. */
function groupWith(checkingIn: number, minGroupSize?: number) {
  const t = makeWeeklyTrellis('2027-01-06T10:00:00Z', { minGroupSize });
  const here = inChannel(CHANNEL);
  expect(text(t.trellis.handleText(slackRef('U0'), '/selfcheck digest here', here))).toContain(
    'every Monday at 09:00 (UTC)',
  );
  const members = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'].map((user) => {
    expect(text(t.trellis.handleText(slackRef(user), '/selfcheck group join', here))).toContain('You joined');
    return t.trellis.coach(slackRef(user));
  });
  // Distinctive per-coach ratings (5, 4, 2 …) so any leaked single value would be recognisable.
  const values = [5, 4, 2, 1, 5, 3] as const;
  members.slice(0, checkingIn).forEach((coach, i) => {
    addCheck(t.repos, coach, '2027-01-05', ratings(values[i]), NOTE);
    addReflection(t.repos, coach, '2027-01-06', PRIVATE_REFLECTION);
  });
  t.clock.set(NOW);
  const group = t.repos.groups.find('slack', 'T1', CHANNEL)!;
  return { t, members, group };
}

/** Band words as they appear in a table row. */
const BAND_ROW = /^\w+\s+(most|about half|few)\b/;

describe('the digest is anonymous by construction', () => {
  test('four of the default five: no figure, no count anywhere in what is posted, and it says why', async () => {
    const { t, group } = groupWith(4);
    try {
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const posted = payloads(digest);
      expect(posted).toContain(
        '6 members at the end of the week; fewer than 5 members checked in during the week, so there are no group figures this week.',
      );
      expect(posted).not.toMatch(/\d\.\d|\b4 (members )?checked in|\b4 of\b|[↑↓→]/); // no mean, change or count of check-ins
      expect(posted).not.toContain('Rated highest');
      expect(posted).not.toContain('Rosalind');
      expect(posted).not.toContain('Private:');
      expect(digest.image).toBeUndefined(); // no chart without figures
      expect(digest.preformatted).toBeUndefined();
      // The data handed to the message builder has no group figures either.
      const data = t.trellis.weekly.digestData(group, new Date(NOW));
      expect(data.behaviours.every((b) => b.band === null && b.series.every((v) => v === null))).toBe(true);
    } finally {
      t.close();
    }
  });

  test('five contributors: share bands and the chart appear, never a mean or a single coach', async () => {
    const { t, group } = groupWith(5);
    try {
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const posted = payloads(digest);
      expect(posted).toContain('at least 5 members checked in during the week.');
      // 5, 4, 2, 1, 5: three of five at Often or above, for every behaviour.
      for (const row of digest.preformatted!.slice(1)) expect(row).toMatch(/^\w+\s+about half$/);
      expect(posted).not.toMatch(/\d\.\d/);
      expect(posted).toContain('Figures are shares of members who rated each behaviour Often or Consistently');
      expect(posted).not.toContain('Rosalind');
      expect(digest.image?.png.length).toBeGreaterThan(1000);
      expect(digest.image?.alt).toContain('as a band (1 few, 2 about half, 3 most)');
    } finally {
      t.close();
    }
  });

  test('a behaviour rated by fewer than five is withheld even when others are shown', async () => {
    const { t, members, group } = groupWith(4);
    try {
      addCheck(t.repos, members[4], '2027-01-07', { context: 3 }); // a fifth coach rates only context
      const digest = (await t.trellis.digestFor(group.id, new Date(NOW)))!;
      const rows = digest.preformatted!;
      expect(rows.find((r) => r.startsWith('Context'))).toMatch(/Context\s+about half/); // 5 and 4 of 5, 4, 2, 1, 3
      for (const key of BEHAVIOUR_KEYS.filter((k) => k !== 'context')) {
        expect(rows.find((r) => r.toLowerCase().startsWith(key))).toContain('too few members rated it to show');
      }
    } finally {
      t.close();
    }
  });

  test('the minimum comes from configuration but never drops below 3', async () => {
    const six = groupWith(5, 6);
    try {
      const posted = payloads((await six.t.trellis.digestFor(six.group.id, new Date(NOW)))!);
      expect(posted).not.toMatch(BAND_ROW);
      expect(posted).toContain('fewer than 6 members checked in');
    } finally {
      six.t.close();
    }
    const one = groupWith(2, 1);
    try {
      const posted = payloads((await one.t.trellis.digestFor(one.group.id, new Date(NOW)))!);
      expect(posted).toContain('fewer than 3 members checked in');
    } finally {
      one.t.close();
    }
    const three = groupWith(3, 3);
    try {
      expect((await three.t.trellis.digestFor(three.group.id, new Date(NOW)))!.preformatted).toBeDefined();
    } finally {
      three.t.close();
    }
  });

  test("members at the week's close count: one who left before it does not, one who left after does", async () => {
    const { t, group } = groupWith(5);
    try {
      t.clock.set('2027-01-10T20:00:00Z'); // Sunday evening, before the close
      expect(text(t.trellis.handleText(slackRef('U3'), 'group leave', inChannel(CHANNEL)))).toContain('You left');
      const preview = payloads(
        await t.trellis.weekly.digestMessageFor(t.trellis.weekly.digestData(group, new Date(NOW))),
      );
      expect(preview).toContain('5 members at the end of the week; fewer than 5 members checked in');
      t.clock.set('2027-01-11T08:00:00Z'); // Monday, after the close: U3 joins again, U4 leaves
      t.trellis.handleText(slackRef('U3'), 'group join', inChannel(CHANNEL));
      t.trellis.handleText(slackRef('U4'), 'group leave', inChannel(CHANNEL));
      const posted = payloads((await t.trellis.digestFor(group.id, new Date(NOW)))!);
      expect(posted).toContain('5 members at the end of the week; fewer than 5 members checked in');
    } finally {
      t.close();
    }
  });

  test('as posted to Slack: chat.postMessage to the channel carries no figure at 4, bands and a file at 5', async () => {
    const slack = await new FakeSlackApi().start();
    try {
      const poster = new SlackMessenger('xoxb-test', { apiUrl: slack.url });
      for (const [contributors, expectFigures] of [
        [4, false],
        [5, true],
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
        expect(body).not.toMatch(/\d\.\d/);
        if (expectFigures) {
          expect(body).toMatch(/Context\s+about half/);
          const completed = slack.callsTo('files.completeUploadExternal');
          expect(completed).toHaveLength(1);
          expect(completed[0].body.channel_id).toBe(CHANNEL);
        } else {
          expect(body).toContain('so there are no group figures this week');
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
        t.repos.groups.join(t.repos.groups.find('slack', 'T1', 'C0SECOND')!.id, coach.id, '2027-01-06T10:00:00Z');
      }
      const all = t.trellis.weekly.allDigests(new Date(NOW));
      expect(all).toHaveLength(2);
      for (const { group, digest } of all) {
        expect(digest).toEqual(t.trellis.weekly.digestData(group, new Date(NOW)));
      }
      expect(all[1].digest).toMatchObject({ members: 5, enough: false, published: false });
      expect(t.repos.groupDigests.latest(all[1].group.id)).toBeUndefined(); // a preview stores nothing
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
      const monday = new Date(NOW); // digest day, 09:00
      const tuesday = '2027-01-12T10:00:00Z';
      const nextMonday = new Date('2027-01-18T09:00:00Z');
      const reflection = addReflection(t.repos, coach, '2027-01-12', 'Shared on the Tuesday after a digest.');
      t.clock.set(tuesday);
      t.trellis.shareReflection(u1, reflection.id);
      const texts = await Promise.all(
        [monday, nextMonday, new Date('2027-01-25T09:00:00Z')].map(async (at) =>
          toPlainText((await t.trellis.digestFor(group.id, at, { chart: false }))!),
        ),
      );
      expect(texts.map((x) => x.includes('Shared on the Tuesday'))).toEqual([false, true, false]);
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
