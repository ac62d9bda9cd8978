/** Longest piece of a user's own input an error message may quote back. */
export const EXCERPT_MAX = 40;

// C0 and C1 controls, DEL, and the bidirectional and zero-width marks that can disguise text in a terminal or chat.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A short, safe quote of what the user typed, for a message saying what to fix: control and escape characters
 * removed, runs of space folded, and at most EXCERPT_MAX characters (an ellipsis marks the cut).
 */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const clean = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
