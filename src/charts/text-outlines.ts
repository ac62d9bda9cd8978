/**
 * Chart text laid out once. resvg shapes and outlines every `<text>` of an SVG each time it parses one (about
 * 0.6 ms a label with DejaVu Sans, a third of a chart's cost), yet the labels of a chart (title, weeks, steps, axis
 * titles, legend) are the same for every chart of one shape. Each distinct `<text>` element is converted once, by
 * resvg itself, to the paths it would have drawn, and those paths stand in for it in every later SVG.
 */

/**
 * A text element as Vega writes it: one line (no `tspan`), its own `fill` (so nothing it would inherit from the
 * chart's groups but the root group's `fill="none"`, which the conversion repeats), attributes without `>`.
 */
const TEXT_ELEMENT = /<text\b[^>]*\sfill="[^"]*"[^>]*>[^<]*<\/text>/g;

/** Wraps one text element as Vega's root group would hold it, for resvg to outline on its own. */
export function standaloneText(element: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><g fill="none" stroke-miterlimit="10">${element}</g></svg>`;
}

/**
 * The drawing inside resvg's own SVG of a converted text (`Resvg#toString`, where text is already paths), or null
 * when it needs definitions of its own (a gradient, a clip path), which are then left to resvg in place.
 */
export function outlinedBody(converted: string): string | null {
  const match = /^<svg\b[^>]*>\s*<defs\/>([\s\S]*)<\/svg>\s*$/.exec(converted);
  if (!match || /<text\b/.test(match[1])) return null;
  return match[1].trim();
}

/** Enough for the labels of the few shapes a weekly run draws (a few MB at most); emptied when full. */
const MAX_TEXTS = 1_000;

/**
 * Replaces each text element of `svg` by its outline, converting (`outline`) only those not seen before. A text
 * whose outline is null is left as text.
 */
export function createTextOutliner(outline: (standalone: string) => string | null): (svg: string) => string {
  const outlines = new Map<string, string | null>();
  return (svg) =>
    svg.replace(TEXT_ELEMENT, (element) => {
      let body = outlines.get(element);
      if (body === undefined) {
        if (outlines.size >= MAX_TEXTS) outlines.clear();
        body = outline(standaloneText(element));
        outlines.set(element, body);
      }
      return body ?? element;
    });
}
