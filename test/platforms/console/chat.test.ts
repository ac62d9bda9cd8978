import Database from 'better-sqlite3';
import { runTs } from '../../helpers/run';
import { tempDbFile } from '../../helpers/temp-db';

/** The terminal chat as a user meets it: `npm start` with piped input, a child process per session. */
describe('the local terminal chat', () => {
  let t: ReturnType<typeof tempDbFile>;
  beforeEach(() => {
    t = tempDbFile();
  });
  afterEach(() => t.cleanup());

  const chat = (input: string, env: NodeJS.ProcessEnv = {}) =>
    runTs('src/main.ts', [], { input, env: { TRELLIS_DB: t.file, TRELLIS_CONSOLE_USER: 'ana', ...env } });

  it('runs a scripted session: quick self-check, trend, prompt and reflection, history', async () => {
    const result = await chat(
      [
        '/selfcheck 4 3 5 4 4 2 felt rushed today',
        'trend',
        'prompt',
        'I let the silence sit and the client found their words.',
        'history',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Thanks, your self-check is saved. Context 4 · Respect 3 · Talents 5');
    expect(result.stdout).toMatch(/Openness\s+2\.0/);
    expect(result.stdout).toContain("Today's reflection");
    // A reply is the reflection here: no buttons drawn that nothing can click.
    expect(result.stdout).not.toContain('[Reflect]');
    expect(result.stdout).toContain('Saved to your journal');
    expect(result.stdout).toContain('I let the silence sit');
    // Nothing but replies on stdout; logs stay off it.
    expect(result.stdout).not.toContain('"level"');

    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM self_checks').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT text FROM reflections').all()).toEqual([
      { text: 'I let the silence sit and the client found their words.' },
    ]);
    db.close();
  });

  it('asks the six behaviours one at a time, then the note', async () => {
    const result = await chat(['/selfcheck', '4', '-', 'seven', '5', '3', '2', '1', 'a private note'].join('\n'));
    expect(result.stdout).toContain('(1/6) Seeks to understand the client within their context');
    expect(result.stdout).toContain('The rating for Talents is not a number');
    expect(result.stdout).toContain('Context 4 · Respect – · Talents 5 · Empathy 3 · Feelings 2 · Openness 1');
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT context, respect, talents, note FROM self_checks').all()).toEqual([
      { context: 4, respect: null, talents: 5, note: 'a private note' },
    ]);
    db.close();
  });

  it('writing typed where a rating was asked, or a note too long for a note, is kept in the journal', async () => {
    const writing = 'She cried and I stayed with it, no rush.';
    const long = `${'I kept quiet and let her find the words. '.repeat(60)}End.`;
    const result = await chat(['/selfcheck', writing, '4', '3', '5', '4', '4', '2', long].join('\n'));
    expect(result.stdout).toContain('That is not a rating, so it is kept in your journal instead');
    expect(result.stdout).toContain('Saved to your journal as an entry of its own');
    expect(result.stdout).toContain('Thanks, your self-check is saved');
    expect(result.stdout).toContain('Your note was longer than a note holds');
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT context, openness, note FROM self_checks').all()).toEqual([
      { context: 4, openness: 2, note: null },
    ]);
    expect(db.prepare('SELECT text FROM reflections ORDER BY id').all()).toEqual([{ text: writing }, { text: long }]);
    db.close();
  });

  it('answers bad input with what to fix and stores nothing half', async () => {
    const result = await chat(
      [
        '/selfcheck 4 3 5 4 4 2 5',
        '/selfcheck 4 6 5 4 4 2',
        '/selfcheck x 3 5 4 4 2',
        `/selfcheck 4 3 5 4 4 2 ${'n'.repeat(2001)}`,
        '/selfcheck',
        '4',
        'cancel',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('more than six ratings');
    expect(result.stdout).toContain('The rating for Respect is out of range');
    expect(result.stdout).toContain('The rating for Context is not a number');
    expect(result.stdout).toContain('the limit is 2,000');
    expect(result.stdout).toContain('Cancelled; nothing was saved.');
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM self_checks').get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps settings across sessions on the same file, and help lists every command', async () => {
    await chat('settings tz Australia/Lord_Howe\nsettings days mon,wed,fri\n');
    const result = await chat('settings\nhelp\n');
    expect(result.stdout).toMatch(/Time zone\s+Australia\/Lord_Howe/);
    expect(result.stdout).toMatch(/Days\s+Mon, Wed, Fri/);
    for (const command of ['/selfcheck', 'prompt', 'history', 'trend', 'settings', 'help'])
      expect(result.stdout).toContain(command);
  });

  it('refuses to start on a bad setting, naming it', async () => {
    const result = await chat('help\n', { TRELLIS_TZ: 'Nowhere/Land' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TRELLIS_TZ: not an IANA time zone');
    expect(result.stdout).toBe('');
  });
});
