import { TrellisError } from '../../src/core/errors';
import { lowestBehaviour, parseQuickSelfCheck, validateSelfCheckForm } from '../../src/core/selfcheck';

function errorOf(fn: () => unknown): TrellisError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TrellisError) return error;
    throw error;
  }
  throw new Error('expected a TrellisError');
}

describe('parseQuickSelfCheck', () => {
  it('reads six ratings in behaviour order and the rest as the note', () => {
    expect(parseQuickSelfCheck('4 3 5 4 4 2 felt rushed today')).toEqual({
      ratings: { context: 4, respect: 3, talents: 5, empathy: 4, feelings: 4, openness: 2 },
      note: 'felt rushed today',
    });
  });

  it('takes - as a skipped behaviour and no note as null', () => {
    expect(parseQuickSelfCheck('4 - 5 - 4 2')).toEqual({
      ratings: { context: 4, talents: 5, feelings: 4, openness: 2 },
      note: null,
    });
  });

  it('refuses seven numbers and says how to start a note with a number', () => {
    const e = errorOf(() => parseQuickSelfCheck('4 3 5 4 4 2 5'));
    expect(e.code).toBe('invalid_ratings');
    expect(e.message).toMatch(/more than six ratings/);
    expect(e.message).toMatch(/quotes or after --/);
  });

  it('lets a quoted note or one after -- start with a number', () => {
    expect(parseQuickSelfCheck('4 3 5 4 4 2 "3 sessions back to back"').note).toBe('3 sessions back to back');
    expect(parseQuickSelfCheck('4 3 5 4 4 2 -- 3 sessions').note).toBe('3 sessions');
  });

  it('names the behaviour and the range for a 6', () => {
    const e = errorOf(() => parseQuickSelfCheck('4 6 5 4 4 2'));
    expect(e.message).toContain('The rating for Respect is out of range');
    expect(e.message).toContain('1 to 5');
  });

  it('explains letters, decimals and too few ratings', () => {
    expect(errorOf(() => parseQuickSelfCheck('4 3 x 4 4 2')).message).toContain(
      'The rating for Talents is not a number',
    );
    expect(errorOf(() => parseQuickSelfCheck('4 3 3.5 4 4 2')).message).toContain('not a whole number');
    expect(errorOf(() => parseQuickSelfCheck('4 3 5')).message).toContain('I found 3');
    expect(errorOf(() => parseQuickSelfCheck('- - - - - -')).message).toContain('rate at least one');
  });

  it('refuses a note over 2,000 characters and strips control characters', () => {
    expect(errorOf(() => parseQuickSelfCheck(`4 3 5 4 4 2 ${'a'.repeat(2001)}`)).code).toBe('invalid_note');
    expect(parseQuickSelfCheck(`4 3 5 4 4 2 ${'a'.repeat(2000)}`).note).toHaveLength(2000);
    expect(parseQuickSelfCheck('4 3 5 4 4 2 bell\u0007 and\u0000 null').note).toBe('bell and null');
  });
});

describe('validateSelfCheckForm', () => {
  it('accepts string ratings from a form and leaves blanks skipped', () => {
    const result = validateSelfCheckForm({ ratings: { context: '4', respect: '', talents: 5 }, note: '  ' });
    expect(result).toEqual({ ok: true, value: { ratings: { context: 4, talents: 5 }, note: null } });
  });

  it('returns an error beside each bad field', () => {
    const result = validateSelfCheckForm({ ratings: { context: '9', empathy: 'lots' }, note: 'n'.repeat(2001) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['context', 'empathy', 'note']);
  });

  it('asks for at least one rating', () => {
    const result = validateSelfCheckForm({ ratings: {}, note: null });
    expect(result).toEqual({ ok: false, errors: { context: 'Rate at least one behaviour before you submit.' } });
  });

  it('refuses a payload of the wrong shape without throwing', () => {
    expect(validateSelfCheckForm('nonsense').ok).toBe(false);
    expect(validateSelfCheckForm({ ratings: { context: { $gt: 1 } } }).ok).toBe(false);
  });
});

describe('lowestBehaviour', () => {
  it('finds the lowest rating, earliest behaviour on ties, undefined when nothing was rated', () => {
    expect(lowestBehaviour({ context: 4, respect: 2, talents: 2 })).toBe('respect');
    expect(lowestBehaviour({})).toBeUndefined();
  });
});
