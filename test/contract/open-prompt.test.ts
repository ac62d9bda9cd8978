import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, "What must hold", the points the other contract files leave open, on every platform: command words in
 * their exact forms are commands while a prompt is open (answered as such, never kept as the reflection, and the
 * prompt stays open for the real one), and "journal more" goes on from the page last shown.
 */
const text = (lines: string[]) => lines.join('\n');

describe.each(DRIVERS.map((make) => [make().name, make] as const))('open-prompt contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('"journal more" goes on to the next page after "journal"', async () => {
    const d = driver();
    for (let i = 1; i <= 7; i++) await d.reply('paged', `Paged entry ${i} on holding back advice.`);
    const first = text(await d.send('paged', 'journal'));
    expect(first).toContain('Page 1 of 2');
    expect(first).toContain('"journal more" for the next');
    const more = text(await d.send('paged', 'journal more'));
    expect(more).toContain('Page 2 of 2');
    expect(more).toContain('Paged entry 1 ');
    expect(more).toContain('Paged entry 2 ');
    expect(more).not.toContain('Paged entry 7');
  }, 180000);
});
