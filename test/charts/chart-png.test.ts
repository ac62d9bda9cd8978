import { Resvg } from '@resvg/resvg-js';
import { renderCalibrationSvg } from '../../src/charts/calibration-chart';
import { encodeOpaquePng } from '../../src/charts/png-encode';
import { CHART_SCALE, chartFontOptions, outlineText, renderChartSvg, svgToPng } from '../../src/charts/weekly-chart';
import type { ChartData } from '../../src/core/ports';
import { decodePng } from '../helpers/png';

/** What a chart drawn straight by resvg looks like: resvg shaping every label itself, its own RGBA pixels. */
function resvgPixels(svg: string): { width: number; height: number; pixels: Buffer } {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: CHART_SCALE },
    background: '#ffffff',
    font: chartFontOptions(),
  }).render();
  return { width: rendered.width, height: rendered.height, pixels: rendered.pixels };
}

/** Channels (RGB) where the PNG differs from the pixels; alpha must be opaque. */
function differences(png: Uint8Array, expected: { width: number; height: number; pixels: Buffer }): number {
  const image = decodePng(png);
  expect([image.width, image.height]).toEqual([expected.width, expected.height]);
  let differing = 0;
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const [r, g, b] = image.rgba(x, y);
      const at = (y * image.width + x) * 4;
      differing += Number(r !== expected.pixels[at]) + Number(g !== expected.pixels[at + 1]);
      differing += Number(b !== expected.pixels[at + 2]);
      if (expected.pixels[at + 3] !== 255) differing++;
    }
  return differing;
}

const weeks = ['2026-09-28', '2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09'];
const labels = ['Context', 'Respect', 'Talents', 'Empathy', 'Feelings', 'Openness'];
const weekly = (k: number): ChartData => ({
  title: 'Weekly means, 8 weeks to 16 – 22 Nov 2026',
  weekStarts: [...weeks, '2026-11-16'],
  series: labels.map((label, j) => ({
    label,
    values: [...weeks, ''].map((_, i) => ((i + j + k) % 5 === 0 ? null : 1 + ((i * 3 + j + k) % 9) / 2)),
  })),
});
const digest: ChartData = {
  title: 'Share rating each behaviour Often or Consistently, 3 published weeks to 16 – 22 Nov 2026',
  weekStarts: weeks.slice(-3),
  series: labels.map((label, j) => ({ label, values: [1, 2, j % 2 ? null : 3] })),
  scale: { title: 'Share at Often or Consistently', labels: ['few', 'about half', 'most'] },
};

describe('chart PNGs', () => {
  test('labels come from kept outlines and the PNG holds exactly the pixels resvg draws itself', async () => {
    const svgs = [
      await renderChartSvg(weekly(0)),
      await renderChartSvg(weekly(1)), // the same labels again, from the kept outlines
      await renderChartSvg(digest),
      await renderCalibrationSvg({
        title: 'You & your mentor <per session>',
        points: [
          { label: 'S1 2 Nov', self: 3.2, mentor: 2.8 },
          { label: 'S2 9 Nov', self: 4, mentor: null },
        ],
      }),
    ];
    for (const svg of svgs) {
      expect(svg).toMatch(/<text\b/);
      // resvg is handed no text to shape: every label is its outline.
      expect(outlineText(svg)).not.toMatch(/<text\b/);
      const { png } = svgToPng(svg);
      expect(differences(png, resvgPixels(svg))).toBe(0);
      // Written as RGB: the background makes every pixel opaque.
      expect(png[25]).toBe(2);
    }
  }, 60_000);

  test('the RGB encoder keeps every pixel and declines an image that is not opaque', () => {
    const width = 5;
    const height = 3;
    const pixels = Buffer.alloc(width * height * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = i % 4 === 3 ? 255 : (i * 37 + (i >> 4) * 11) % 256;
    const png = encodeOpaquePng(pixels, width, height) as Buffer;
    expect(differences(png, { width, height, pixels })).toBe(0);
    pixels[4 * 7 + 3] = 254;
    expect(encodeOpaquePng(pixels, width, height)).toBeNull();
  });
});
