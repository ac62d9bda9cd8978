import { whoCanRead } from '../../src/core/privacy-notice';
import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, a first week that welcomes, on every platform: the welcome on first contact (once, after the command
 * the coach typed), its level and practice answers, settings with the next prompt, and the weekly summary that
 * never reports a week before the coach joined. A coach name per case keeps their data apart.
 */
const text = (lines: string[]) => lines.join('\n');
const WELCOME = 'Welcome to Trellis';
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** "Wed 09:00 Europe/London", or with the date when the next prompt is a week or more away. */
const WHEN = /\w{3}( \d{1,2} \w{3} \d{4})? \d\d:\d\d [A-Za-z_]+(\/[A-Za-z_]+)?/;

describe.each(DRIVERS.map((make) => [make().name, make] as const))('welcome contract: %s', (name, make) => {
  const driver = startedDriver(make);

  test('first contact: the command is answered, then the welcome, once; later commands get none', async () => {
    const d = driver();
    const first = text(await d.firstContact('newbie', '/selfcheck 4 3 5 4 4 2'));
    expect(first).toContain('your self-check is saved');
    expect(count(first, WELCOME)).toBe(1);
    // Teams welcomes on install, before anything is typed; elsewhere the command is answered first.
    if (name !== 'teams') expect(first.indexOf('your self-check is saved')).toBeLessThan(first.indexOf(WELCOME));
    expect(first).toContain(whoCanRead(false));
    expect(first).toMatch(new RegExp(`Your first prompt: ${WHEN.source}`));
    expect(first).toMatch(/Your time zone: [A-Za-z_/]+/);
    // Each exchange in the terminal is a new process: the record, not memory, keeps it to one.
    expect(text(await d.send('newbie', '/selfcheck help'))).not.toContain(WELCOME);
    expect(text(await d.send('newbie', 'prompt'))).not.toContain(WELCOME);
  }, 120000);

  test('the welcome answers set level, working toward and practice; settings shows them with the next prompt', async () => {
    const d = driver();
    expect(text(await d.firstContact('profiled', '/selfcheck help'))).toContain(WELCOME);
    expect(text(await d.press('profiled', 'welcome_level', 'ACC'))).toContain('Level set to ACC');
    // "Working toward…" asks which (the terminal's "settings toward" asks the same in words).
    expect(text(await d.press('profiled', 'welcome_level', 'toward'))).toMatch(/working toward/i);
    expect(text(await d.press('profiled', 'welcome_toward', 'PCC'))).toContain('Working toward PCC');
    await d.press('profiled', 'welcome_practice', 'private');
    expect(text(await d.press('profiled', 'welcome_practice', 'virtual'))).toContain(
      'private clients, virtual sessions',
    );
    const settings = text(await d.send('profiled', '/selfcheck settings level'));
    expect(settings).toMatch(/That is not a credential|Name the credential/);
    const shown = text(await d.send('profiled', 'settings practice'));
    expect(shown).toContain('Use one or more of organisational');
    const all = text(await d.send('profiled', '/selfcheck settings toward none'));
    expect(all).toContain('Working toward: none');
  }, 180000);

  test('typed: settings level, toward and practice work, and settings shows "Next prompt"', async () => {
    const d = driver();
    await d.firstContact('typist', '/selfcheck help');
    expect(text(await d.send('typist', '/selfcheck settings level PCC'))).toContain('Level set to PCC');
    expect(text(await d.send('typist', '/selfcheck settings toward MCC'))).toContain('Working toward MCC');
    expect(text(await d.send('typist', '/selfcheck settings toward ACC'))).toContain('You hold PCC already');
    expect(text(await d.send('typist', '/selfcheck settings practice organisational,virtual'))).toContain(
      'Practice set to organisational / sponsored, virtual sessions',
    );
    expect(text(await d.send('typist', '/selfcheck settings practice 9'))).toContain('not a kind of practice');
    // Typed in the DM ("/selfcheck settings" alone opens Slack's settings form).
    const shown = text(await d.send('typist', 'settings'));
    expect(shown).toMatch(new RegExp(`Next prompt\\W+${WHEN.source}`));
    expect(shown).toMatch(/Level\W+PCC/);
    expect(shown).toMatch(/Working toward\W+MCC/);
    expect(shown).toMatch(/Practice\W+organisational \/ sponsored, virtual sessions/);
    // Holding the credential worked toward clears it.
    expect(text(await d.send('typist', '/selfcheck settings level MCC'))).toContain('Working toward: cleared');
    // Paused for two weeks: the next prompt is the first day after the pause, with its date.
    await d.send('typist', '/selfcheck settings pause 2w');
    expect(text(await d.send('typist', 'settings'))).toMatch(/Next prompt\W+\w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d /);
  }, 180000);

  test('no summary of a week that ended before the coach joined; "summary now" shows this week so far', async () => {
    const d = driver();
    await d.firstContact('joiner', '/selfcheck help');
    const summary = text(await d.send('joiner', '/selfcheck summary'));
    // Monday to Thursday "summary" is last week's (before this coach joined); Friday to Sunday this week's, the first.
    const weekday = new Date().getUTCDay();
    if (weekday >= 1 && weekday <= 4) {
      expect(summary).toContain('after last week ended, so there is no summary of it');
      expect(summary).not.toContain('No self-check last week');
    } else {
      expect(summary).toContain('This is your first weekly summary');
    }
    const now = text(await d.send('joiner', 'summary now'));
    expect(now).toMatch(/Week of \d{1,2}(–| \w{3} – )\d{1,2} \w{3} \d{4}: this week/);
    expect(now).toContain('This is your first weekly summary');
  }, 120000);
});
