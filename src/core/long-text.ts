/**
 * A text longer than one journal entry holds, cut into entries that each fit, so nothing of it is lost: at the last
 * paragraph break that fits, else the last line break, else the end of the last sentence, else the last space, else
 * at the limit itself. Every character is kept, in order; only the whitespace at a cut is left out.
 */
export function splitLongText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = lastBreak(window, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

/** Where to cut a window of max + 1 characters: past the middle, so no part is tiny. */
function lastBreak(window: string, max: number): number {
  const floor = Math.floor(max / 2);
  for (const pattern of [/\n\s*\n/g, /\n/g, /[.!?…]["'”’)]?\s/g, /\s/g]) {
    let at = -1;
    for (const m of window.matchAll(pattern)) {
      const end = (m.index ?? 0) + m[0].length;
      if (end <= max && m.index !== undefined && m.index >= floor) at = end;
    }
    if (at > 0) return at;
  }
  return max;
}
