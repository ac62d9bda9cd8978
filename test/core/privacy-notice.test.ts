import fs from 'node:fs';
import path from 'node:path';
import { toPlainText } from '../../src/core/message';
import { newKey, openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';

const ana = { platform: 'console', tenant: 'local', user: 'ana' } as const;

/** What a coach is told about who can read their words must be true of the deployment (src/core/privacy-notice.ts). */
describe('privacy sentences shown to coaches', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  const helpText = (env: Record<string, string>) => {
    const app = openApp(dir.file(`${Object.keys(env).length}.db`), env);
    try {
      const reply = app.trellis.handleText(ana, 'help');
      return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : '';
    } finally {
      app.close();
    }
  };

  it('help says who can read notes, with and without an encryption key', () => {
    const plain = helpText({});
    expect(plain).toContain('not shown to your group or anyone in your organisation unless you share a reflection');
    expect(plain).toContain('stored unencrypted; the people who run Trellis for your organisation can read and export');
    expect(plain).toContain('kept by the platform');
    const keyed = helpText({ TRELLIS_ENCRYPTION_KEY: newKey() });
    expect(keyed).toContain('stored encrypted; the people who run Trellis for your organisation hold the key');
    expect(keyed).not.toContain('unencrypted');
  });

  it('the acknowledgements of a note and a reflection say who does not see them, not that nobody can', () => {
    const app = openApp(dir.file('t.db'));
    try {
      const said = (text: string) => {
        const reply = app.trellis.handleText(ana, text);
        return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : '';
      };
      expect(said('/selfcheck 4 3 5 4 4 2 a note')).toContain(
        'Your note is saved. Not shown to your group or anyone in your organisation.',
      );
      expect(said('prompt')).toContain('your group sees them only if you share them');
      expect(said('I waited.')).toContain(
        'Not shown to your group or anyone in your organisation unless you share it.',
      );
    } finally {
      app.close();
    }
  });

  it('no text shown to coaches claims that only they can read what they write', () => {
    const root = path.resolve(__dirname, '..', '..');
    const files = [
      ...['src', 'prompts'].flatMap((d) =>
        (fs.readdirSync(path.join(root, d), { recursive: true }) as string[]).map((f) => path.join(d, f)),
      ),
      'manifest.yml',
    ].filter((f) => /\.(ts|json|yml)$/.test(f));
    const overclaims =
      /only you (can|will) see|private to you|stays? private|nobody (else )?(can|will) (see|read)|notes or reflections appear unless/i;
    const found = files.flatMap((f) =>
      fs
        .readFileSync(path.join(root, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ f, line: i + 1, text: line.trim() }))
        .filter(({ text }) => overclaims.test(text)),
    );
    expect(found).toEqual([]);
  });
});
