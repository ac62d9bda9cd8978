import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, the welcome when Trellis never saw the coach arrive: a Teams coach whose personal-scope install
 * (conversationUpdate) was missed writes first. The message is handled as any other (no word of it lost), and the
 * welcome follows it, once. In Slack and the terminal a first message is always the first contact, so the same holds
 * there. `send` to a coach the driver has never spoken for is exactly that: no install first.
 */
const text = (lines: string[]) => lines.join('\n');
const WELCOME = 'Welcome to Trellis';
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe.each(DRIVERS.map((make) => [make().name, make] as const))('welcome-missed contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('a first message of free text is kept whole, then the welcome comes once; later messages get none', async () => {
    const d = driver();
    const words = 'I noticed I filled her silence too soon\nand next time I will wait a breath longer.';
    const first = text(await d.send('latecomer', words));
    expect(first).toContain('Saved to your journal as an entry of its own');
    expect(count(first, WELCOME)).toBe(1);
    // The answer to what the coach wrote comes first, the welcome after it.
    expect(first.indexOf('Saved to your journal')).toBeLessThan(first.indexOf(WELCOME));
    expect(first).toMatch(/Your first prompt: /);
    // Nothing of the text was lost: the journal has both lines.
    const journal = text(await d.send('latecomer', 'journal'));
    expect(journal).not.toContain(WELCOME);
    expect(journal).toMatch(/I noticed I filled her silence too soon\n+and next time I will wait a breath longer\./);
    expect(text(await d.send('latecomer', 'A second entry, later the same day.'))).not.toContain(WELCOME);
    expect(text(await d.send('latecomer', 'help'))).not.toContain(WELCOME);
  }, 120000);

  test('a first message that is a command is answered, then the welcome comes once', async () => {
    const d = driver();
    const first = text(await d.send('commander', '/selfcheck 4 3 5 4 4 2'));
    expect(first).toContain('your self-check is saved');
    expect(count(first, WELCOME)).toBe(1);
    expect(first.indexOf('your self-check is saved')).toBeLessThan(first.indexOf(WELCOME));
    expect(text(await d.send('commander', '/selfcheck history'))).toContain('Context 4 · Respect 3');
    expect(text(await d.send('commander', 'trend'))).not.toContain(WELCOME);
  }, 120000);
});
