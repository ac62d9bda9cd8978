import { BEHAVIOUR_KEYS, behaviour, SCALE } from './behaviours';
import { isTrellisError } from './errors';
import type { Ratings } from './model';
import { cleanNote, NOTE_MAX, parseRatingToken, type SelfCheckInput } from './selfcheck';

/** `aside`: words the coach wrote that are not an answer here; the chat keeps them in the journal (nothing is lost). */
export type DialogStep =
  | { done: false; question: string; error?: string; aside?: string }
  | { done: true; input: SelfCheckInput; aside?: string }
  | { done: true; cancelled: true };

/** Four words or more where a rating was asked: writing, not a mistyped rating. */
const isWriting = (text: string) => text.split(/\s+/).length >= 4;

const SCALE_HINT = SCALE.map((s) => `${s.value} ${s.label}`).join(' · ');

/**
 * The self-check asked one question at a time, for chats without forms: six ratings (or "-" to skip), then a note.
 * Nothing is stored until the last answer; "cancel" at any point drops it.
 */
export class SelfCheckDialog {
  private index = 0;
  private readonly ratings: Ratings = {};

  start(): DialogStep {
    return { done: false, question: this.question() };
  }

  private question(): string {
    if (this.index < BEHAVIOUR_KEYS.length) {
      const b = behaviour(BEHAVIOUR_KEYS[this.index]);
      return `(${this.index + 1}/6) ${b.label}\n   ${SCALE_HINT}, or - to skip`;
    }
    return `Anything to add? A note for yourself (up to ${NOTE_MAX.toLocaleString('en')} characters), or - for none.`;
  }

  answer(line: string): DialogStep {
    const text = line.trim();
    if (/^(cancel|quit|stop)$/i.test(text)) return { done: true, cancelled: true };
    try {
      if (this.index < BEHAVIOUR_KEYS.length) {
        const key = BEHAVIOUR_KEYS[this.index];
        const value = parseRatingToken(text, key);
        if (value !== null) this.ratings[key] = value;
        this.index++;
        if (this.index === BEHAVIOUR_KEYS.length && Object.keys(this.ratings).length === 0) {
          this.index = 0;
          return {
            done: false,
            question: this.question(),
            error: 'Every behaviour was skipped: rate at least one of the six.',
          };
        }
        return { done: false, question: this.question() };
      }
      if (text.length > NOTE_MAX) {
        // Too long for a note: the self-check is saved without one, the words go to the journal whole.
        return { done: true, input: { ratings: { ...this.ratings }, note: null }, aside: line };
      }
      const note = text === '-' || text === '' ? null : cleanNote(text);
      return { done: true, input: { ratings: { ...this.ratings }, note } };
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      if (this.index < BEHAVIOUR_KEYS.length && isWriting(text)) {
        return {
          done: false,
          question: this.question(),
          error: 'That is not a rating, so it is kept in your journal instead (see below). The question again:',
          aside: line,
        };
      }
      return { done: false, question: this.question(), error: error.message };
    }
  }
}
