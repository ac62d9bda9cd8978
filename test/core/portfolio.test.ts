import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { loadCatalog } from '../../src/catalog';
import { fileBytes, type Message } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { COACHING_LOG_COLUMNS, MENTORING_LOG_COLUMNS } from '../../src/core/portfolio-csv';
import { parsePeriod } from '../../src/core/portfolio-model';
import type { Clock } from '../../src/core/ports';
import { Trellis } from '../../src/core/trellis';
import { createLogger } from '../../src/log';
import { createRepositories, openDatabase } from '../../src/store';
import { createTextCipher } from '../../src/store/crypto';
import { FixedClock } from '../helpers/clock';
import { csvRecords } from '../helpers/csv';
import { pdfText } from '../helpers/pdf-text';
import { tempDbFile } from '../helpers/temp-db';
import { makeTrellis } from '../helpers/trellis';

/** The portfolio's core on a real database with a fixed clock: period, picks, the PDF's text, the CSVs. */
const me: CoachRef = { platform: 'console', tenant: 'local', user: 'portfolio-coach' };
const mentor: CoachRef = { platform: 'console', tenant: 'local', user: 'portfolio-mentor' };

function reply(t: ReturnType<typeof makeTrellis>, who: CoachRef, typed: string): Message[] {
  const out = t.trellis.handleText(who, typed, { displayName: who === me ? 'Ana Coach' : 'Maria Mentor' });
  if (out.type !== 'messages') throw new Error(`expected messages, got ${out.type}`);
  return out.messages;
}
const say = (t: ReturnType<typeof makeTrellis>, who: CoachRef, typed: string) =>
  reply(t, who, typed)
    .map((m) => [m.title, ...m.lines, ...(m.preformatted ?? []), m.footer].filter(Boolean).join('\n'))
    .join('\n');

describe('portfolio period', () => {
  test('dates or months, the earlier first, nothing after today', () => {
    expect(parsePeriod('', '2026-11-24')).toEqual({ to: '2026-11-24' });
    expect(parsePeriod('2026-01 2026-06', '2026-11-24')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(parsePeriod('2024-02 2024-02', '2026-11-24')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(parsePeriod('2026-03-15', '2026-11-24')).toEqual({ from: '2026-03-15', to: '2026-11-24' });
    // The month not over yet ends today.
    expect(parsePeriod('2026-10 2026-11', '2026-11-24')).toEqual({ from: '2026-10-01', to: '2026-11-24' });
    expect(() => parsePeriod('2026-06 2026-01', '2026-11-24')).toThrow('starts after it ends');
    expect(() => parsePeriod('2026-01 2026-12-01', '2026-11-24')).toThrow('ends after today');
    expect(() => parsePeriod('2026-12', '2026-11-24')).toThrow('starts after today');
    expect(() => parsePeriod('2026-02-30', '2026-11-24')).toThrow('first date is not a date');
    expect(() => parsePeriod('2026-01 june', '2026-11-24')).toThrow('second date is not a date');
    expect(() => parsePeriod('2026-01 2026-02 2026-03', '2026-11-24')).toThrow('more than two');
  });
});

describe('portfolio', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T12:00:00Z');
    say(t, me, '/selfcheck session 60 paid C17 2026-03-02 4.1:yes 4.3:partly');
    say(t, me, '/selfcheck session 45 probono Q9 2026-05-10 group 4');
    say(t, me, '/selfcheck session 30 paid C3 2026-11-20');
    say(t, me, '/selfcheck mentoring 60 1:1 2026-04-01 mentor Maria Mentor');
    say(t, me, '/selfcheck mentoring 90 group 12 2026-05-01');
  });
  afterEach(() => t.close());

  const files = (typed: string) => reply(t, me, typed).flatMap((m) => m.files ?? []);
  const reflect = (text: string) => {
    reply(t, me, 'prompt');
    reply(t, me, text);
    return t.repos.reflections.recent(t.repos.coaches.find(me)!.id, 1)[0];
  };

  /** A mentor rates session 1 with a comment (invite, accept, share, rate). */
  function mentorRates() {
    t.trellis.coach(mentor, { displayName: 'Maria Mentor' });
    say(t, me, 'mentor invite @portfolio-mentor');
    say(t, mentor, 'mentor accept');
    say(t, me, 'share session 1 with mentor');
    say(t, me, 'rate session 1 4 4 4 4 4 4');
    const rated = say(t, mentor, 'mentor rate 1 3 3 3 3 3 3 4.1:yes 4.2:no Lovely silence at minute twelve');
    expect(rated).toContain('Your rating of session 1 is saved');
  }

  test('the PDF holds the log, the markers, the mentor comment and only the ticked reflection', () => {
    mentorRates();
    const ticked = reflect('I noticed the client relax when I named the pause.');
    const unticked = reflect('Private thought that stays out of the portfolio.');
    expect(say(t, me, '/selfcheck portfolio reflections')).toMatch(new RegExp(`\\[ \\]\\s+${ticked.id}\\s`));
    expect(say(t, me, `/selfcheck portfolio include ${ticked.id}`)).toContain(`Reflection ${ticked.id} goes in`);
    expect(say(t, me, '/selfcheck portfolio reflections')).toMatch(new RegExp(`\\[x\\]\\s+${ticked.id}\\s`));

    const out = files('/selfcheck portfolio');
    expect(out.map((f) => f.kind)).toEqual(['portfolio-pdf', 'portfolio-coaching-log', 'portfolio-mentoring-log']);
    const pdf = out[0];
    expect(pdf.filename).toBe('trellis-portfolio-start-2026-11-24.pdf');
    expect(fileBytes(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const { text, title } = pdfText(fileBytes(pdf));
    expect(title).toBe('Coaching portfolio: Ana Coach');
    expect(text).toContain('Ana Coach');
    expect(text).toContain('everything up to 2026-11-24');
    expect(text).toContain('version 2025.1');
    expect(text).toMatch(/3 sessions, 2\.3 h in all \(1\.5 h paid, 0\.8 h pro bono\), 3 distinct clients/);
    for (const code of ['C17', 'Q9', 'group of 4']) expect(text).toContain(code);
    expect(text).toContain('Against ACC');
    expect(text).toContain('Maria Mentor');
    expect(text).toContain('no (group too large)');
    expect(text).toMatch(/4\.1 Talents and work/);
    expect(text).toContain('You and your mentor, per rated session');
    expect(text).toContain('Lovely silence at minute twelve');
    expect(text).toContain('I noticed the client relax when I named the pause.');
    expect(text).not.toContain('Private thought');
    expect(unticked.id).not.toBe(ticked.id);

    // The same data at the same clock gives the same file.
    expect(files('/selfcheck portfolio')[0].content).toBe(pdf.content);

    const audit = t.repos.privacy.auditFor(t.repos.coaches.find(me)!.id).filter((a) => a.action === 'export');
    expect(audit.at(-1)?.objectIds).toEqual({
      file: 'portfolio',
      from: null,
      to: '2026-11-24',
      sessions: [1, 2, 3],
      mentoring: [1, 2],
      reflections: [ticked.id],
    });
    const logged = t.logLines.join('\n');
    expect(logged).not.toContain('relax');
    expect(logged).not.toContain('C17');
  });

  test('a period keeps the rest out; the CSVs read back in ICF’s columns', () => {
    const out = files('/selfcheck portfolio 2026-03 2026-05');
    const { header, records: log } = csvRecords(out[1].content);
    expect(header).toEqual([...COACHING_LOG_COLUMNS]);
    expect(log).toEqual([
      {
        'Client Name': 'C17',
        'Contact Information': '',
        'Individual/Group': 'Individual',
        'Number in Group': '1',
        'Start Date': '2026-03-02',
        'End Date': '2026-03-02',
        'Paid Hours': '1.00',
        'Pro Bono Hours': '0.00',
        Minutes: '60',
        Session: '1',
      },
      expect.objectContaining({ 'Client Name': 'Q9', 'Individual/Group': 'Group', 'Number in Group': '4' }),
    ]);
    const { header: mentoringHeader, records: mentoring } = csvRecords(out[2].content);
    expect(mentoringHeader).toEqual([...MENTORING_LOG_COLUMNS]);
    expect(mentoring.map((m) => [m.Date, m.Mentor, m.Hours, m['Counts Toward Ten Hours']])).toEqual([
      ['2026-04-01', 'Maria Mentor', '1.00', 'Yes'],
      ['2026-05-01', '', '1.50', 'No'],
    ]);
    const { text } = pdfText(fileBytes(out[0]));
    expect(text).toContain('2026-03-01 to 2026-05-31');
    expect(text).not.toContain('2026-11-20');
  });

  test('a cell a spreadsheet would run as a formula is defused in the CSVs', () => {
    say(t, me, '/selfcheck mentoring 30 1:1 2026-06-01 mentor =HYPERLINK("x")');
    const out = files('/selfcheck portfolio');
    expect(csvRecords(out[1].content).records.at(-1)?.['Client Name']).toBe('C3');
    expect(csvRecords(out[2].content).records.at(-1)?.Mentor).toBe('\'=HYPERLINK("x")');
  });

  test('bad input says what to fix and stores nothing', () => {
    const coachId = t.repos.coaches.find(me)!.id;
    const before = t.repos.privacy.auditFor(coachId).length;
    expect(say(t, me, '/selfcheck portfolio 2026-06 2026-01')).toContain('starts after it ends');
    expect(say(t, me, '/selfcheck portfolio 2026-13')).toContain('not a date I can read');
    expect(say(t, me, '/selfcheck portfolio 2027-01-01')).toContain('after today');
    expect(say(t, me, '/selfcheck portfolio include 999')).toContain('You have no reflection 999');
    expect(say(t, me, '/selfcheck portfolio include x')).toContain('Tick a reflection');
    // Another coach's reflection cannot be ticked.
    reply(t, mentor, 'prompt');
    reply(t, mentor, 'The mentor’s own reflection');
    const theirs = t.repos.reflections.recent(t.repos.coaches.find(mentor)!.id, 1)[0];
    expect(say(t, me, `/selfcheck portfolio include ${theirs.id}`)).toContain(`You have no reflection ${theirs.id}`);
    expect(t.repos.portfolioPicks.picks(coachId)).toEqual([]);
    expect(t.repos.privacy.auditFor(coachId)).toHaveLength(before);
  });

  test('picks are in the export and go with delete; exclude unticks', () => {
    const r = reflect('A reflection worth keeping.');
    say(t, me, `/selfcheck portfolio include ${r.id}`);
    expect(say(t, me, `/selfcheck portfolio include ${r.id}`)).toContain('already in your portfolio');
    const json = JSON.parse(files('/selfcheck export').find((f) => f.kind === 'export')?.content ?? '{}');
    expect(json.portfolioReflections).toEqual([r.id]);
    expect(say(t, me, `/selfcheck portfolio exclude ${r.id}`)).toContain('out of your portfolio');
    expect(say(t, me, `/selfcheck portfolio exclude ${r.id}`)).toContain('was not ticked');
    say(t, me, `/selfcheck portfolio include ${r.id}`);
    say(t, me, '/selfcheck delete confirm');
    expect(t.db.prepare('SELECT count(*) FROM portfolio_picks').pluck().get()).toBe(0);
  });

  test('the list of reflections shows only in the DM', () => {
    reflect('Only for the DM.');
    const out = t.trellis.handleText(me, '/selfcheck portfolio reflections', {
      channel: { id: 'C1', kind: 'group', name: 'peers' },
    });
    const shown = out.type === 'messages' ? out.messages.map((m) => JSON.stringify(m)).join('') : '';
    expect(shown).toContain('only in our direct messages');
    expect(shown).not.toContain('Only for the DM');
  });

  test('nothing to put in it: says how to start, no files', () => {
    const empty: CoachRef = { platform: 'console', tenant: 'local', user: 'new-coach' };
    const out = t.trellis.handleText(empty, '/selfcheck portfolio');
    expect(out.type === 'messages' && out.messages.flatMap((m) => m.files ?? [])).toEqual([]);
    expect(out.type === 'messages' && out.messages[0].lines[0]).toContain('nothing for a portfolio');
  });
});

describe('portfolio with encryption at rest', () => {
  test('the files hold the opened client codes, mentor names and reflections; the database does not', () => {
    const { file, cleanup } = tempDbFile();
    const db = openDatabase(file);
    const clock = new FixedClock('2026-11-24T12:00:00Z');
    const repos = createRepositories(db, () => clock.now(), createTextCipher(randomBytes(32).toString('hex')));
    const trellis = new Trellis({
      repos,
      catalog: loadCatalog(),
      clock: clock as Clock,
      log: createLogger('silent'),
      defaultTimeZone: 'UTC',
    });
    try {
      trellis.handleText(me, '/selfcheck session 60 paid SEALED42 2026-03-02');
      trellis.handleText(me, '/selfcheck mentoring 60 1:1 2026-04-01 mentor Hidden Mentorname');
      trellis.handleText(me, 'prompt');
      trellis.handleText(me, 'A sealed reflection about trust.');
      const coachId = repos.coaches.find(me)!.id;
      const reflection = repos.reflections.recent(coachId, 1)[0];
      trellis.handleText(me, `/selfcheck portfolio include ${reflection.id}`);
      const out = trellis.handleText(me, '/selfcheck portfolio');
      const files = out.type === 'messages' ? out.messages.flatMap((m) => m.files ?? []) : [];
      const { text } = pdfText(fileBytes(files[0]));
      expect(text).toContain('SEALED42');
      expect(text).toContain('Hidden Mentorname');
      expect(text).toContain('A sealed reflection about trust.');
      expect(csvRecords(files[1].content).records[0]['Client Name']).toBe('SEALED42');
      expect(csvRecords(files[2].content).records[0].Mentor).toBe('Hidden Mentorname');
      db.pragma('wal_checkpoint(TRUNCATE)');
      const stored = fs.readFileSync(file).toString('latin1');
      expect(stored).not.toContain('SEALED42');
      expect(stored).not.toContain('Hidden Mentorname');
    } finally {
      db.close();
      cleanup();
    }
  });
});
