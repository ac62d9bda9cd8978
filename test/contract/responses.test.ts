import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, responses after a self-check, on every platform: a tip only when one behaviour is clearly lowest or on
 * request; all low or a "rough day" note gets a human acknowledgement first (and never the note echoed); a fall is
 * framed as sharper noticing.
 */
const text = (lines: string[]) => lines.join('\n');

describe.each(DRIVERS.map((make) => [make().name, make] as const))('responses contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('all 5s: no tip unasked; "tip" gives one on request', async () => {
    const d = driver();
    const ack = text(await d.send('fives', '/selfcheck 5 5 5 5 5 5'));
    expect(ack).toContain('your self-check is saved');
    expect(ack).not.toMatch(/A tip for/);
    expect(text(await d.send('fives', 'tip'))).toMatch(/A tip for context: /);
    expect(text(await d.send('fives', 'tip openness'))).toMatch(/A tip for openness: /);
  }, 120000);

  test('two tied at the bottom: no behaviour is clearly lowest, so no tip', async () => {
    const d = driver();
    expect(text(await d.send('tied', '/selfcheck 4 3 4 4 4 3'))).not.toMatch(/A tip for/);
  }, 60000);

  test('all 1s with "rough day": a human word first, no tip, the note never echoed', async () => {
    const d = driver();
    const ack = text(await d.send('rough', '/selfcheck 1 1 1 1 1 1 rough day with Quillon, nothing landed'));
    expect(ack).toMatch(/That sounds like a hard day\. Thank you for checking in/);
    expect(ack.indexOf('That sounds like a hard day')).toBeLessThan(ack.indexOf('self-check is saved'));
    expect(ack).not.toMatch(/A tip for/);
    expect(ack).not.toMatch(/Quillon|nothing landed/);
  }, 60000);

  test('a fall against the last self-check is framed before any tip', async () => {
    const d = driver();
    await d.send('dipper', '/selfcheck 4 4 4 4 4 4');
    const ack = text(await d.send('dipper', '/selfcheck 4 4 4 4 4 2'));
    expect(ack).toContain('Openness is lower than last time.');
    expect(ack).toMatch(/A dip often means you are noticing more sharply/);
    expect(ack.indexOf('lower than last time')).toBeLessThan(ack.indexOf('A tip for openness'));
  }, 60000);
});
