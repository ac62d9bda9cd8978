import {
  addBehaviourRatings,
  addMentorCoach,
  addRelation,
  addSession,
  mentorRates,
  share,
  withDbFile,
} from '../helpers/mentor-rows';
import { tempDbFile } from '../helpers/temp-db';
import type { PlatformDriver } from './driver';
import { DRIVERS } from './drivers';

/**
 * `/selfcheck compare` through every platform's real adapter. The mentor's side (invite, consent, share, the rating
 * card) is another part: its rows are written into the driver's own database file with the test helper.
 */
const text = (lines: string[]) => lines.join('\n');
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe.each(DRIVERS.map((make) => [make().name, make] as const))('compare contract: %s', (_name, make) => {
  let driver: PlatformDriver;
  let db: { file: string; cleanup(): void };
  beforeAll(async () => {
    db = tempDbFile();
    driver = make();
    await driver.start(db.file);
  });
  afterAll(async () => {
    await driver?.stop();
    db?.cleanup();
  });

  test('no mentor rating yet: nothing to compare, and how to get one', async () => {
    const seen = text(await driver.send('calibrator', '/selfcheck compare'));
    expect(seen).toContain('No mentor has rated one of your sessions yet');
    expect(seen).toContain('/selfcheck mentor invite @name');
    expect(seen).toContain('share session N with mentor');
  }, 90000);

  test("the coach's ratings of a session beside the mentor's, the gap, and the chart's words", async () => {
    const first = daysAgo(20);
    const second = daysAgo(6);
    const sessions = withDbFile(db.file, (rows) => {
      const { id: coach } = rows.prepare('SELECT id FROM coaches ORDER BY id DESC LIMIT 1').get() as { id: number };
      const mentor = addMentorCoach(rows, { platform: 'console', tenant: 'local', user: 'mentor-m', name: 'Mo' });
      const relation = addRelation(rows, coach, mentor);
      const ids = [first, second].map((date) => addSession(rows, coach, date, { markers: { '4.2': 'observed' } }));
      for (const [i, id] of ids.entries()) {
        share(rows, id, relation);
        addBehaviourRatings(rows, id, 'self', coach, { context: 5, empathy: 4 }, `${[first, second][i]}T18:00:00Z`);
      }
      mentorRates(rows, ids[0], mentor, { context: 3, empathy: 3 }, { '4.2': 'partly' }, `${first}T20:00:00Z`);
      mentorRates(rows, ids[1], mentor, { context: 5, empathy: 3 }, { '4.2': 'observed' }, `${second}T20:00:00Z`);
      return ids;
    });
    const seen = text(await driver.send('calibrator', '/selfcheck compare'));
    expect(seen).toContain('You and your mentor');
    expect(seen).toContain(`2 sessions rated by a mentor. The latest: session ${sessions[1]}`);
    expect(seen).toContain('rated by your mentor (Mo)');
    expect(seen).toContain('A gap is information, not a verdict');
    expect(seen).toMatch(/Context\s*:?\s*you 5 · mentor 5: you see it the same way/);
    expect(seen).toMatch(/Empathy\s*:?\s*you 4 · mentor 3: you rate yourself higher by 1/);
    expect(seen).toMatch(/4\.2 Support and empathy\s*:?\s*you observed · mentor observed: you see it the same way/);
    // Gaps of (2 + 1) / 2 = 1.5, then (0 + 1) / 2 = 0.5.
    expect(seen).toMatch(/Per session: \d+ \(\d+ \w+\) 1\.5 · \d+ \(\d+ \w+\) 0\.5/);
    expect(seen).toContain('From 1.5 to 0.5: your view of your sessions and your mentor');
    expect(seen).toContain('Only you see this comparison');
    expect(seen).not.toContain('C17');
    // The chart was drawn (a PNG file after the text in Slack, an image in the Teams card) and its alt text shows.
    expect(seen).toContain("[chart: Line chart of your mean rating and your mentor's (1–5) for 2 sessions");
  }, 90000);

  test('typed as a plain message in the DM (Slack event, Teams message, terminal line), the same with its chart', async () => {
    const seen = text(await driver.reply('calibrator', 'selfcheck compare'));
    expect(seen).toContain('2 sessions rated by a mentor');
    expect(seen).toMatch(/Empathy\s*:?\s*you 4 · mentor 3: you rate yourself higher by 1/);
    expect(seen).toContain("[chart: Line chart of your mean rating and your mentor's (1–5) for 2 sessions");
  }, 90000);

  test('typed in a channel, nothing of the comparison is shown', async () => {
    const seen = text(await driver.sendInChannel('calibrator', '/selfcheck compare'));
    // Slack and the terminal answer with the DM-only line; a Teams channel takes channel commands only.
    expect(seen).toMatch(/opens only in our direct messages|message me in a personal chat/);
    expect(seen).not.toContain('mentor (Mo)');
  }, 90000);
});
