import { csvRecords } from '../helpers/csv';
import { pdfText } from '../helpers/pdf-text';
import { DRIVERS, startedDriver } from './drivers';

/**
 * The portfolio (issue #15) through every platform's real adapter: ticking reflections, `/selfcheck portfolio`
 * delivering the PDF and the two CSVs (Slack: uploaded to the DM; Teams: a consent card per file, allowed and PUT to
 * OneDrive; the terminal: a folder), the PDF's text and the CSVs read back, and bad input answered with what to fix.
 */
const text = (lines: string[]) => lines.join('\n');

describe.each(DRIVERS.map((make) => [make().name, make] as const))('portfolio contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('the PDF and CSVs arrive with the sessions, the mentoring and only the ticked reflection', async () => {
    const d = driver();
    await d.send('folio', '/selfcheck session 60 paid C17 4.1:yes 4.3:partly');
    await d.send('folio', '/selfcheck session 45 probono Q9 group 4');
    await d.send('folio', '/selfcheck mentoring 60 1:1 mentor Maria Mentor');
    await d.send('folio', 'prompt');
    await d.reply('folio', 'Naming the pause let my client settle.');
    await d.reply('folio', 'A second thought that stays private.');
    const listed = text(await d.send('folio', '/selfcheck portfolio reflections'));
    const ticked = /\[ \]\s+(\d+)\s+\S+\s+Naming the pause/.exec(listed)?.[1];
    expect(ticked).toBeDefined();
    expect(text(await d.send('folio', `/selfcheck portfolio include ${ticked}`))).toContain(
      `Reflection ${ticked} goes in your portfolio`,
    );
    await d.files('folio');

    const answer = text(await d.send('folio', '/selfcheck portfolio'));
    expect(answer).toContain('2 sessions, 1 mentor-coaching meeting');
    expect(answer).not.toContain('Naming the pause');
    const files = await d.files('folio');
    const byName = new Map(files.map((f) => [f.filename.replace(/-start-\d{4}-\d{2}-\d{2}/, ''), f.bytes]));
    expect([...byName.keys()].sort()).toEqual([
      'trellis-coaching-log.csv',
      'trellis-mentoring-log.csv',
      'trellis-portfolio.pdf',
    ]);
    const pdf = byName.get('trellis-portfolio.pdf') as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text: shown } = pdfText(pdf);
    for (const expected of ['Coaching portfolio', 'C17', 'Q9', 'group of 4', 'Maria Mentor', '4.1 Talents and work'])
      expect(shown).toContain(expected);
    expect(shown).toContain('Naming the pause let my client settle.');
    expect(shown).not.toContain('stays private');
    const log = csvRecords((byName.get('trellis-coaching-log.csv') as Buffer).toString('utf8')).records;
    expect(log.map((r) => [r['Client Name'], r['Individual/Group'], r['Paid Hours'], r['Pro Bono Hours']])).toEqual([
      ['C17', 'Individual', '1.00', '0.00'],
      ['Q9', 'Group', '0.00', '0.75'],
    ]);
    const mentoring = csvRecords((byName.get('trellis-mentoring-log.csv') as Buffer).toString('utf8')).records;
    expect(mentoring.map((r) => [r.Mentor, r.Hours, r['One-to-one/Group'], r['Counts Toward Ten Hours']])).toEqual([
      ['Maria Mentor', '1.00', 'One-to-one', 'Yes'],
    ]);
  }, 180000);

  test.each([
    ['the later date first', '/selfcheck portfolio 2026-06 2026-01', /starts after it ends/],
    ['a date that is not one', '/selfcheck portfolio 2026-02-30', /not a date I can read/],
    ['a date after today', '/selfcheck portfolio 2099-01', /after today/],
    ['a reflection that is not yours', '/selfcheck portfolio include 999999', /You have no reflection 999999/],
  ])(
    '%s is answered with what to fix, and no file is sent',
    async (what, typed, fix) => {
      const d = driver();
      const user = `badfolio-${what.replace(/\W+/g, '-')}`;
      await d.send(user, '/selfcheck session 30 paid C1');
      await d.files(user);
      expect(text(await d.send(user, typed))).toMatch(fix);
      expect(await d.files(user)).toEqual([]);
    },
    90000,
  );
});
