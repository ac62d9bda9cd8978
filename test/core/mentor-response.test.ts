import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import type { Reply } from '../../src/core/trellis';
import { makeTrellis } from '../helpers/trellis';

/** Issue #14: what Trellis says after a self-check is what a mentor coach would say. */
const me: CoachRef = { platform: 'slack', tenant: 'T1', user: 'U1' };

function say(t: ReturnType<typeof makeTrellis>, typed: string): string {
  const reply: Reply = t.trellis.handleText(me, typed);
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages.map(toPlainText).join('\n\n');
}

describe('responses a mentor would give', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  it('all 5s: thanks and no tip; "tip" gives one on request', () => {
    const ack = say(t, '/selfcheck 5 5 5 5 5 5');
    expect(ack).toContain('Thanks, your self-check is saved');
    expect(ack).not.toMatch(/A tip for/);
    expect(ack).toContain('Type "tip" if you would like a tip.');
    const tip = say(t, 'tip');
    expect(tip).toMatch(/^A tip for context: /);
    expect(say(t, 'tip openness')).toMatch(/^A tip for openness: /);
    expect(say(t, '/selfcheck tip feelings')).toMatch(/^A tip for feelings: /);
  });

  it('a tip only when one behaviour is clearly lowest (a point below the next)', () => {
    expect(say(t, '/selfcheck 4 4 4 4 4 3')).toMatch(/A tip for openness/);
    t.clock.advanceMinutes(60);
    // Two tied at the bottom: no behaviour is clearly lowest.
    expect(say(t, '/selfcheck 4 3 4 4 4 3')).not.toMatch(/A tip for/);
  });

  it('all 1s with "rough day": a human acknowledgement first, no tip, the note never echoed', () => {
    const ack = say(t, '/selfcheck 1 1 1 1 1 1 rough day with Quillon, nothing landed');
    const lines = ack.split('\n\n');
    expect(lines[0]).toMatch(/^That sounds like a hard day\. Thank you for checking in/);
    expect(lines[1]).toMatch(/^Your self-check is saved\./);
    expect(ack).not.toMatch(/A tip for|cultur/i);
    expect(ack).not.toMatch(/Quillon|nothing landed|rough day/);
  });

  it('all low without a note still gets a human word first', () => {
    const ack = say(t, '/selfcheck 2 1 2 2 - 1');
    expect(ack.split('\n\n')[0]).toMatch(/^Low ratings across the board/);
    expect(ack).not.toMatch(/A tip for/);
  });

  it('a note about a hard day gets the acknowledgement even with middling ratings', () => {
    const ack = say(t, '/selfcheck 3 4 3 4 3 4 exhausted after back-to-back sessions');
    expect(ack.split('\n\n')[0]).toMatch(/^That sounds like a hard day/);
    expect(ack).not.toMatch(/back-to-back/);
  });

  it('a note that says the day was not hard gets no such acknowledgement', () => {
    const ack = say(t, '/selfcheck 4 4 4 4 4 3 not a bad day at all, a long session that went well');
    expect(ack).toMatch(/^Thanks, your self-check is saved/);
    expect(ack).not.toMatch(/hard day/);
  });

  it('a fall is framed: a dip often means sharper noticing', () => {
    say(t, '/selfcheck 4 4 4 4 4 4');
    t.clock.advanceMinutes(24 * 60);
    const ack = say(t, '/selfcheck 4 4 4 4 4 2');
    expect(ack).toContain('Openness is lower than last time.');
    expect(ack).toMatch(/A dip often means you are noticing more sharply, and that is progress too/);
    // Openness is also clearly lowest, so the tip follows the framing.
    expect(ack.indexOf('lower than last time')).toBeLessThan(ack.indexOf('A tip for openness'));
  });

  it('no fall, no framing', () => {
    say(t, '/selfcheck 3 3 3 3 3 3');
    t.clock.advanceMinutes(24 * 60);
    expect(say(t, '/selfcheck 4 4 4 4 4 4')).not.toMatch(/lower than last time/);
  });

  it('"tip" with a word that is not a behaviour is asked about, not thrown away', () => {
    const answer = say(t, 'tip please');
    expect(answer).toMatch(/Should it go in your journal\?/);
    expect(answer).not.toContain('please');
  });
});
