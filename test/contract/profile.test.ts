import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, the coach's profile in the settings form on every platform: Slack's settings modal, Teams' settings
 * card and the terminal's one-line "settings profile" save the credential held, the one worked toward and the kinds
 * of practice beside the time fields, checked by one core (src/core/profile-form.ts). A form with a problem says
 * what to fix and changes nothing; no answer repeats what was sent.
 */
const text = (lines: string[]) => lines.join('\n');

describe.each(DRIVERS.map((make) => [make().name, make] as const))('profile contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('the form saves level, working toward and practice; settings shows them', async () => {
    const d = driver();
    const saved = text(
      await d.saveProfile('profiler', { level: 'PCC', toward: 'MCC', practices: ['virtual', 'private'] }),
    );
    expect(saved).toContain('Settings saved.');
    expect(saved).toMatch(/Level\W+PCC/);
    expect(saved).toMatch(/Working toward\W+MCC/);
    expect(saved).toMatch(/Practice\W+private clients, virtual sessions/);
    expect(saved).toMatch(/Next prompt\W+\w{3} /);
    const shown = text(await d.send('profiler', 'settings'));
    expect(shown).toMatch(/Level\W+PCC/);
    expect(shown).toMatch(/Working toward\W+MCC/);
    expect(shown).toMatch(/Practice\W+private clients, virtual sessions/);
    // The time fields beside them were sent as shown and kept.
    expect(shown).toMatch(/Prompt time\W+09:00/);
  }, 180000);

  test('working toward a credential not above the one held is refused, and nothing of the form is stored', async () => {
    const d = driver();
    await d.saveProfile('halfway', { level: 'PCC', toward: 'MCC', practices: ['private'] });
    const refused = text(await d.saveProfile('halfway', { level: 'MCC', toward: 'PCC', practices: ['internal'] }));
    expect(refused).toMatch(/You hold MCC: choose a higher credential to work toward/);
    expect(refused).not.toContain('Settings saved.');
    const shown = text(await d.send('halfway', 'settings'));
    expect(shown).toMatch(/Level\W+PCC/);
    expect(shown).toMatch(/Working toward\W+MCC/);
    expect(shown).toMatch(/Practice\W+private clients\n/);
  }, 180000);

  test('none clears: not credentialed, working toward nothing, no kind of practice', async () => {
    const d = driver();
    await d.saveProfile('clearer', { level: 'ACC', toward: 'PCC', practices: ['organisational'] });
    const cleared = text(await d.saveProfile('clearer', { level: 'none', toward: 'none', practices: [] }));
    expect(cleared).toMatch(/Level\W+not credentialed/);
    expect(cleared).toMatch(/Working toward\W+not set/);
    expect(cleared).toMatch(/Practice\W+not set/);
  }, 180000);

  test('a value that is not a choice is refused by name, never echoed', async () => {
    const d = driver();
    const marker = 'Quillfeather';
    const practice = text(await d.saveProfile('forger', { practices: ['private', marker] }));
    expect(practice).toContain('One of those is not a kind of practice');
    const level = text(await d.saveProfile('forger', { level: marker }));
    expect(level).toContain('Choose ACC, PCC, MCC, or Not credentialed');
    for (const seen of [practice, level]) expect(seen.toLowerCase()).not.toContain(marker.toLowerCase());
    expect(text(await d.send('forger', 'settings'))).toMatch(/Practice\W+not set/);
  }, 180000);
});
