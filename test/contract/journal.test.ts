import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14: a journal that never loses a word, on every platform. Each case is a coach's own words that used to be
 * lost or echoed back; a coach name per case keeps their journals apart.
 */
const text = (lines: string[]) => lines.join('\n');
const ASKED = /Should it go in your journal\?/;
const THIS_MONTH = new Date().toISOString().slice(0, 7);

describe.each(DRIVERS.map((make) => [make().name, make] as const))('journal contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('"help me" after prompt is asked about, not saved unasked; "Save as a journal entry" answers the prompt', async () => {
    const d = driver();
    expect(text(await d.send('helpme', 'prompt'))).toContain("Today's reflection");
    const asked = text(await d.reply('helpme', 'help me'));
    expect(asked).toMatch(ASKED);
    expect(asked).not.toContain('help me');
    expect(text(await d.send('helpme', 'journal'))).toContain('Your journal is empty');
    expect(text(await d.press('helpme', 'journal_keep'))).toContain(
      'Saved to your journal as your reply to the prompt',
    );
    // Pressed twice: nothing is saved twice.
    expect(text(await d.press('helpme', 'journal_keep'))).toContain('Nothing is waiting');
    const journal = text(await d.send('helpme', 'journal'));
    expect(journal).toContain('reflection on');
    expect(journal.match(/help me/g)).toHaveLength(1);
  }, 120000);

  test('"snooze" and "skip" after prompt act on the prompt and are never saved as reflections', async () => {
    const d = driver();
    await d.send('skipper', 'prompt');
    expect(text(await d.reply('skipper', 'snooze'))).toContain('Snoozed');
    expect(text(await d.reply('skipper', 'skip'))).toContain('Skipped');
    expect(text(await d.reply('skipper', 'skip'))).toContain('There is no open prompt to skip');
    expect(text(await d.send('skipper', 'journal'))).toContain('Your journal is empty');
  }, 120000);

  test('a second reflection the same day and free text with no open prompt are kept as entries of their own', async () => {
    const d = driver();
    expect(text(await d.reply('twice', 'Before any prompt: I noticed my own impatience today.'))).toContain(
      'Saved to your journal as an entry of its own',
    );
    await d.send('twice', 'prompt');
    expect(text(await d.reply('twice', 'First: she paused and I let the silence be.'))).toContain(
      'your reply to the prompt',
    );
    const second = text(await d.reply('twice', 'Second: later I asked before naming the hard topic.'));
    expect(second).toContain('Saved to your journal as an entry of its own');
    expect(second).not.toContain('recognise');
    const journal = text(await d.send('twice', 'journal'));
    const order = ['Second: later', 'First: she paused', 'Before any prompt'].map((w) => journal.indexOf(w));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 120000);

  test('a text that looks like a mistyped command is asked about; "That was a command" keeps it out', async () => {
    const d = driver();
    const asked = text(await d.reply('typo', 'histroy'));
    expect(asked).toMatch(ASKED);
    expect(asked).not.toContain('histroy');
    expect(text(await d.press('typo', 'journal_discard'))).toContain('Did you mean "history"?');
    expect(text(await d.send('typo', 'journal'))).toContain('Your journal is empty');
  }, 120000);

  test('a multi-line text is one journal entry, every line kept', async () => {
    const d = driver();
    const saved = await d.reply('paste', 'Line one of what I wrote\nline two goes on\nline three ends it');
    expect(text(saved).match(/Saved to your journal/g)).toHaveLength(1);
    const journal = text(await d.send('paste', 'journal'));
    expect(journal).toMatch(/Line one of what I wrote\n+line two goes on\n+line three ends it/);
  }, 120000);

  test('a self-check note is re-read in full in the journal', async () => {
    const d = driver();
    const note = `${'I held back my own view and asked what mattered to her. '.repeat(25)}The end.`;
    await d.submitSelfCheck('noted', { context: '4', respect: '4', empathy: '3' }, note);
    expect(text(await d.send('noted', '/selfcheck history'))).toContain('(note)');
    const journal = text(await d.send('noted', 'journal'));
    expect(journal).toContain('self-check note');
    expect(journal.replace(/\s+/g, ' ')).toContain(note.trim());
  }, 120000);

  test('the journal pages, newest first, and filters by month and by word', async () => {
    const d = driver();
    for (let i = 1; i <= 6; i++)
      await d.reply('pager', `Entry number ${i} about listening${i === 3 ? ' and silence' : ''}.`);
    const first = text(await d.send('pager', 'journal'));
    expect(first).toContain('Page 1 of 2');
    expect(first).toContain('Entry number 6');
    expect(first).not.toContain('Entry number 1 ');
    const second = text(await d.send('pager', 'journal page 2'));
    expect(second).toContain('Entry number 1 ');
    expect(second).not.toContain('Entry number 6');
    expect(text(await d.send('pager', `journal ${THIS_MONTH}`))).toContain('Entry number 6');
    expect(text(await d.send('pager', 'journal 2001-01'))).toContain('Nothing in your journal for that month');
    const found = text(await d.send('pager', 'journal search SILENCE'));
    expect(found).toContain('Entry number 3');
    expect(found).not.toContain('Entry number 4');
  }, 180000);

  test('the journal is refused in a channel without showing anything of it', async () => {
    const d = driver();
    await d.reply('private', 'Something only I should read: the Acme renewal worried me.');
    const answer = text(await d.sendInChannel('private', 'journal'));
    expect(answer).not.toContain('Acme');
    expect(answer).toMatch(/direct messages|personal chat/);
  }, 120000);

  test("no reply repeats the coach's own words", async () => {
    const d = driver();
    const marker = 'Quillfeather';
    const typed = [
      `histroy ${marker}`,
      `settings ${marker}`,
      `settings time ${marker}`,
      `settings tz ${marker}`,
      `settings days ${marker}`,
      `/selfcheck 4 ${marker}`,
      `journal ${marker}`,
      `journal search ${marker}`,
      `skip ${marker}`,
      `${marker}`,
      `A longer text naming ${marker} as my client today.`,
    ];
    for (const t of typed) {
      const seen = text(await d.send('echo', t));
      expect({ typed: t, seen: seen.toLowerCase().includes(marker.toLowerCase()) }).toEqual({ typed: t, seen: false });
    }
  }, 240000);
});
