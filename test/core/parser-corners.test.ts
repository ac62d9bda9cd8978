import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { parseDays } from '../../src/core/settings';
import { makeTrellis } from '../helpers/trellis';

const ana: CoachRef = { platform: 'console', tenant: 'local', user: 'ana' };

describe('parser corners: what a mistake quotes back, day names, time-zone spelling', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis();
  });
  afterEach(() => t.close());
  const say = (text: string) => {
    const reply = t.trellis.handleText(ana, text);
    return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;
  };

  it('closing punctuation makes no command of a text that is not one: it is asked about or kept, never run', () => {
    expect(say('prompt')).toContain("Today's reflection");
    expect(say('Skip it.')).toContain('kept it aside');
    expect(say('help me!')).toContain('kept it aside');
    expect(say('Skip ahead, she said, to the part that hurts.')).toContain('as your reply to the prompt');
    expect(say('skip.')).toMatch(/no open prompt to skip/);
  });

  // Nothing the coach typed is quoted back at all (issue #14: no error repeats what the coach wrote), which is
  // stricter than a short sanitised excerpt (issue #17).
  it('an oversized token is not quoted back, and no control or escape character reaches the answer', () => {
    const token = `\u001b[31m\u0007${'z'.repeat(70_000)}`;
    for (const command of [`settings days ${token}`, `settings tz ${token}`, `/selfcheck ${token} 1 1 1 1 1`]) {
      const answer = say(command);
      expect(answer.length).toBeLessThan(400);
      expect(answer).not.toMatch(/\p{Cc}/u);
      expect(answer).not.toContain('zzz');
    }
  });

  it('"monkey" and other words starting like a day are refused with what to type; real names and abbreviations work', () => {
    expect(() => parseDays('monkey')).toThrow(/not a day: use mon, tue/);
    expect(() => parseDays('mo')).toThrow(/not a day/);
    expect(() => parseDays('sunny-fri')).toThrow(/not a day/);
    expect(parseDays('monday,thurs')).toEqual([1, 4]);
    expect(parseDays('Tue-Thursday')).toEqual([2, 3, 4]);
    expect(parseDays('fri-mon')).toEqual([1, 5, 6, 7]);
    expect(say('settings days monkey')).toMatch(/not a day/);
    expect(say('settings days monkey')).not.toContain('monkey');
    expect(t.trellis.coach(ana).settings.promptDays).toEqual([1, 2, 3, 4, 5]);
  });

  it('a time zone is stored under its canonical name ("europe/london" becomes Europe/London)', () => {
    expect(say('settings tz europe/london')).toContain('Time zone set to Europe/London.');
    expect(t.trellis.coach(ana).settings.timeZone).toBe('Europe/London');
    expect(say('settings tz mars/olympus')).toMatch(/not a time zone I know/);
    expect(t.trellis.coach(ana).settings.timeZone).toBe('Europe/London');
  });
});
