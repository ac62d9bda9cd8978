import type { PlatformDriver } from './driver';
import { DRIVERS, startedDriver } from './drivers';

/**
 * One suite of behaviours, run against every platform's real adapter, so the platforms cannot drift apart.
 * Add a platform by adding its driver in drivers.ts.
 */
const text = (lines: string[]) => lines.join('\n');

describe.each(DRIVERS.map((make) => [make().name, make] as const))('contract: %s', (_name, make) => {
  const started = startedDriver(make);
  let driver: PlatformDriver;
  beforeAll(() => {
    driver = started();
  });

  test('a quick self-check is recorded and acknowledged with a tip; history shows it', async () => {
    const ack = text(await driver.send('quick', '/selfcheck 4 3 5 4 4 2'));
    expect(ack).toContain('your self-check is saved');
    expect(ack).toContain('Context 4 · Respect 3 · Talents 5 · Empathy 4 · Feelings 4 · Openness 2');
    expect(ack).toContain('A tip for openness');
    const history = text(await driver.send('quick', '/selfcheck history'));
    expect(history).toContain('Recent self-checks');
    expect(history).toContain('Context 4 · Respect 3');
  }, 60000);

  test.each([
    ['seven numbers', '/selfcheck 4 3 5 4 4 2 1', /more than six ratings/],
    ['a 6', '/selfcheck 4 3 6 4 4 2', /The rating for Talents is out of range/],
    ['letters', '/selfcheck a b c d e f', /The rating for Context is not a number/],
    ['a note over 2000 characters', `/selfcheck 4 3 5 4 4 2 ${'x'.repeat(2001)}`, /the limit is 2,000/],
  ])(
    '%s is rejected with what to fix, and nothing is stored',
    async (_what, typed, fix) => {
      const user = `invalid-${_what.replace(/\W+/g, '-')}`;
      expect(text(await driver.send(user, typed))).toMatch(fix);
      expect(text(await driver.send(user, '/selfcheck history'))).toContain('Nothing here yet');
    },
    60000,
  );

  test('the form path records a self-check with a note', async () => {
    const ack = text(
      await driver.submitSelfCheck(
        'form',
        { context: '5', respect: '4', talents: '4', empathy: '3', feelings: '4', openness: '4' },
        'I rushed past a pause today.',
      ),
    );
    expect(ack).toContain('your self-check is saved');
    expect(ack).toContain('Your note is saved. Not shown to your group or anyone in your organisation.');
    expect(ack).toContain('A tip for empathy');
    expect(text(await driver.send('form', '/selfcheck history'))).toContain(
      'Empathy 3 · Feelings 4 · Openness 4  (note)',
    );
  }, 60000);

  test('help lists the commands', async () => {
    const help = text(await driver.send('helpful', '/selfcheck help'));
    for (const command of ['/selfcheck', 'prompt', 'history', 'trend', 'settings', 'help'])
      expect(help).toContain(command);
  }, 60000);

  test("today's prompt, then a reply, saves a reflection", async () => {
    expect(text(await driver.send('reflective', '/selfcheck prompt'))).toContain("Today's reflection");
    expect(
      text(await driver.reply('reflective', 'A client went quiet; I waited, and she named what scared her.')),
    ).toContain('Saved to your journal');
    const history = text(await driver.send('reflective', '/selfcheck history'));
    expect(history).toContain('Recent reflections');
    expect(history).toContain('A client went quiet');
  }, 60000);

  test('a time zone change shows in the settings', async () => {
    expect(text(await driver.send('zoned', '/selfcheck settings tz Asia/Kathmandu'))).toContain('Asia/Kathmandu');
    expect(text(await driver.send('zoned', '/selfcheck settings'))).toContain('Asia/Kathmandu');
  }, 60000);
});
