/** Longest piece of a user's own input an error message may quote back. */
export const EXCERPT_MAX = 40;

// Control characters (C0, C1, DEL) and format characters (bidirectional overrides, zero-width marks) that can
// disguise text or drive a terminal.
const UNSAFE = /[\p{Cc}\p{Cf}]/gu;

/**
 * A short, safe quote of what the user typed, for a message saying what to fix: control and escape characters
 * removed, runs of space folded, and at most EXCERPT_MAX characters (an ellipsis marks the cut).
 */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const clean = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
