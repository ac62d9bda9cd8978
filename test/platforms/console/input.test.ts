import { PassThrough } from 'node:stream';
import { runConsoleChat } from '../../../src/platforms/console/chat';
import { makeTrellis } from '../../helpers/trellis';

/** The terminal chat's multi-line input, on the real chat loop and core, with streams standing in for the terminal. */
describe('multi-line input in the terminal chat', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  async function session(interactive: boolean, write: (input: PassThrough) => void): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const done = runConsoleChat({ trellis: t.trellis, user: 'ana', input, output, interactive, log: t.log });
    write(input);
    await done;
    return out;
  }

  const reflections = () => t.db.prepare('SELECT text FROM reflections ORDER BY id').pluck().all();

  test('in a terminal, a paste (lines arriving together) is one message, empty lines and all', async () => {
    const out = await session(true, (input) => {
      input.write('First line of a paste\nsecond line\n\nA second paragraph.\n');
      input.end();
    });
    expect(out.match(/Saved to your journal/g)).toHaveLength(1);
    expect(reflections()).toEqual(['First line of a paste\nsecond line\n\nA second paragraph.']);
  });

  test('piped, free text runs until an empty line or a command; commands stay one per line', async () => {
    const out = await session(false, (input) => {
      input.end('prompt\nI waited.\nShe went on.\n\nA second entry\nhistory\n/selfcheck 4 3 5 4 4 2\ntrend\n');
    });
    expect(reflections()).toEqual(['I waited.\nShe went on.', 'A second entry']);
    expect(out).toContain('Your history');
    expect(out).toContain('your self-check is saved');
    expect(out).toContain('Your trend');
  });
});
