import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14: command words are commands whether or not a prompt is open. Right after "prompt", each word (also
 * capitalised, with trailing punctuation, with spaces around it) acts as its command, is never saved as the
 * reflection nor held as "could be a command", and the prompt is still there for the real reply (unless skipped).
 */
const text = (lines: string[]) => lines.join('\n');

/** typed, what its answer shows, and whether the prompt stays open after it. */
const CASES: [string, RegExp, boolean][] = [
  ['help', /Trellis commands/, true],
  ['skip', /Skipped\./, false],
  ['snooze', /Snoozed\./, true],
  ['history', /Recent reflections|Nothing here yet/, true],
  ['cancel', /Nothing to cancel/, true],
  ['settings', /Next prompt/, true],
  ['journal', /Your journal/, true],
  ['trend', /No self-checks yet, so no trend/, true],
  ['summary', /You joined Trellis on .*no summary of it|Your week/, true],
  ['Summary now!', /Your week/, true],
  ['/selfcheck history', /Recent reflections|Nothing here yet/, true],
  ['/selfcheck skip', /Skipped\./, false],
  ['Skip', /Skipped\./, false],
  ['SNOOZE', /Snoozed\./, true],
  ['help!', /Trellis commands/, true],
  ['Help?', /Trellis commands/, true],
  [' snooze ', /Snoozed\./, true],
  ['skip.', /Skipped\./, false],
  ['History.', /Recent reflections|Nothing here yet/, true],
  ['Settings!', /Next prompt/, true],
  ['journal!', /Your journal/, true],
  ['Trend?', /No self-checks yet, so no trend/, true],
  ['cancel.', /Nothing to cancel/, true],
];

// (help's own list names the question "Should it go in your journal?", so the question's first words are looked for.)
const NOT_A_COMMAND = /Saved to your journal|kept it aside/;

describe.each(DRIVERS.map((make) => [make().name, make] as const))('command words contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test.each(CASES.map(([typed, shows, stays], i) => [JSON.stringify(typed), typed, shows, stays, i] as const))(
    '%s right after "prompt" acts as its command and is not kept as the reflection',
    async (_label, typed, shows, staysOpen, i) => {
      const d = driver();
      const user = `words${i}`;
      expect(text(await d.send(user, 'prompt'))).toContain("Today's reflection");
      const answer = text(await d.send(user, typed));
      expect(answer).toMatch(shows);
      expect(answer).not.toMatch(NOT_A_COMMAND);
      const reply = text(await d.reply(user, 'A real answer: I named the silence and waited for her.'));
      expect(reply).toContain(staysOpen ? 'as your reply to the prompt' : 'as an entry of its own');
      // The journal holds the one real answer, and nothing of the command.
      const journal = text(await d.send(user, 'journal'));
      expect(journal).toContain('I named the silence');
      expect(journal.match(/· (reflection on|journal entry)/g) ?? []).toHaveLength(1);
    },
    120000,
  );

  test('with no prompt open the same words are commands too, and nothing is kept of them', async () => {
    const d = driver();
    expect(text(await d.send('noprompt', 'Help!'))).toContain('Trellis commands');
    expect(text(await d.send('noprompt', 'skip.'))).toContain('There is no open prompt to skip');
    expect(text(await d.send('noprompt', ' Snooze '))).toContain('There is no open prompt to snooze');
    expect(text(await d.send('noprompt', 'History?'))).toMatch(/Nothing here yet|Recent/);
    expect(text(await d.send('noprompt', 'cancel'))).toContain('Nothing to cancel');
    expect(text(await d.send('noprompt', 'journal'))).toContain('Your journal is empty');
  }, 120000);
});
