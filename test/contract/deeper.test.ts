import { loadCatalog } from '../../src/catalog';
import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14: the reflective-cycle stages, used. After a reflection, "Go deeper" (a Slack button, a Teams card
 * action, `deeper` typed in the terminal) asks the next stage's question on the same moment, and the answer is saved
 * with the same prompt.
 */
const text = (lines: string[]) => lines.join('\n');
const catalog = loadCatalog();

describe.each(DRIVERS.map((make) => [make().name, make] as const))('Go deeper contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('Go deeper asks the next stage on the same moment; the answer joins the same prompt', async () => {
    const d = driver();
    // A prompt at the "plan" stage has no stage after it: take the first coach whose prompt has one.
    let user = '';
    for (let i = 1; i <= 8 && user === ''; i++) {
      const shown = text(await d.send(`deep${i}`, 'prompt'));
      const prompt = catalog.prompts.find((p) => shown.includes(p.text));
      if (!prompt) throw new Error('the prompt shown is not in the catalogue');
      if (prompt.stage !== 'plan') user = `deep${i}`;
    }
    expect(user).not.toBe('');
    const saved = text(await d.reply(user, 'She paused, and I let the pause be.'));
    expect(saved).toContain('your reply to the prompt');
    const question = text(await d.press(user, 'deeper'));
    expect(question).toMatch(/Going deeper: what you (felt|make of it|will do next)/);
    expect(question).not.toContain('She paused');
    const deeper = text(await d.reply(user, 'I felt a strong pull to fill the silence.'));
    expect(deeper).toContain('Saved to your journal with your reflection on the same prompt');
    const journal = text(await d.send(user, 'journal'));
    expect(journal).toContain('She paused, and I let the pause be.');
    expect(journal).toContain('I felt a strong pull to fill the silence.');
    expect(journal).not.toContain('entry of its own');
    // Once answered, free text goes back to the usual rule: an entry of its own.
    expect(text(await d.reply(user, 'Something else entirely, for later.'))).toContain('an entry of its own');
  }, 180000);

  test('"deeper" with no reflection on a prompt says what to do and keeps nothing half', async () => {
    const d = driver();
    expect(text(await d.send('shallow', 'deeper'))).toMatch(/no recent reflection on a prompt to take deeper/);
    expect(text(await d.send('shallow', 'journal'))).toContain('Your journal is empty');
  }, 120000);
});
