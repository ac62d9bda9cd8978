import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, no free text is ever discarded, the cases the journal contract leaves open, on every platform: a text
 * longer than one entry holds is kept whole (several entries in a row, every paragraph); a text Trellis asked about
 * waits while the coach goes on writing and is still there to keep; a long text that starts with a command word is
 * kept at once.
 */
const text = (lines: string[]) => lines.join('\n');
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe.each(DRIVERS.map((make) => [make().name, make] as const))(
  'long and waiting texts contract: %s',
  (_name, make) => {
    const driver = startedDriver(make);

    test('a text over 4,000 characters is kept whole as entries in a row; the first answers the prompt', async () => {
      const d = driver();
      expect(text(await d.send('longer', 'prompt'))).toContain("Today's reflection");
      const paragraphs = Array.from(
        { length: 9 },
        (_, i) =>
          `Paragraph ${i + 1}: ${'I noticed the pause and let it stay, then asked what she needed. '.repeat(15)}`,
      );
      // One line break between paragraphs: the terminal's piped input ends a free text at an empty line.
      const typed = paragraphs.join('\n');
      expect(typed.length).toBeGreaterThan(8000);
      const saved = text(await d.reply('longer', typed));
      expect(saved).toContain('kept whole as 3 entries in a row');
      expect(saved).toContain('as your reply to the prompt');
      expect(saved).not.toContain('Shorten it');
      const journal = flat(text(await d.send('longer', 'journal')));
      for (const p of paragraphs) expect(journal).toContain(flat(p.trim()));
      expect(journal.match(/· (reflection on|journal entry)/g)).toHaveLength(3);
    }, 180000);

    test('a text asked about waits while the coach writes on, and "keep" still saves it', async () => {
      const d = driver();
      expect(text(await d.reply('waiter', 'skip it'))).toMatch(/Should it go in your journal\?/);
      expect(text(await d.reply('waiter', 'Meanwhile: a session where I named my own discomfort.'))).toContain(
        'Saved to your journal as an entry of its own',
      );
      expect(text(await d.send('waiter', 'history'))).not.toContain('skip it');
      expect(text(await d.send('waiter', 'keep'))).toContain('Saved to your journal');
      const journal = text(await d.send('waiter', 'journal'));
      expect(journal).toContain('skip it');
      expect(journal).toContain('named my own discomfort');
    }, 120000);

    test('a long text that starts with a command word is kept at once, never asked about or run', async () => {
      const d = driver();
      const typed = 'History repeats with this client: she goes quiet when her manager is mentioned.';
      const saved = text(await d.reply('starter', typed));
      expect(saved).toContain('Saved to your journal as an entry of its own');
      expect(saved).not.toMatch(/Recent self-checks|Should it go in your journal/);
      expect(text(await d.send('starter', 'journal'))).toContain('she goes quiet');
    }, 120000);
  },
);
