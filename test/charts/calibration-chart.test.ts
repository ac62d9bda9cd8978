import { chartRenderer } from '../../src/charts';
import { calibrationChartSpec, renderCalibrationPng, renderCalibrationSvg } from '../../src/charts/calibration-chart';
import { CHART_PIXEL_WIDTH } from '../../src/charts/weekly-chart';
import type { CalibrationChartData } from '../../src/core/ports';
import { decodePng } from '../helpers/png';

/** The calibration chart sent with `/selfcheck compare`: self beside mentor per rated session, drawn for real. */
const chart: CalibrationChartData = {
  title: 'You and your mentor, per rated session',
  points: [
    { label: 'S3 6 Oct', self: 4.5, mentor: 2.5 },
    { label: 'S7 20 Oct', self: 4.5, mentor: 3.5 },
    { label: 'S9 3 Nov', self: null, mentor: 4 },
    { label: 'S12 17 Nov', self: 4.2, mentor: 4.2 },
  ],
};

/** Whether some pixel of the image is close to the colour (r, g, b). */
function hasColour(png: ReturnType<typeof decodePng>, [r, g, b]: number[]): boolean {
  for (let y = 0; y < png.height; y += 1)
    for (let x = 0; x < png.width; x += 1) {
      const [pr, pg, pb] = png.rgba(x, y);
      if (Math.abs(pr - r) < 12 && Math.abs(pg - g) < 12 && Math.abs(pb - b) < 12) return true;
    }
  return false;
}

describe('calibration chart', () => {
  test('the spec keeps every session on the axis, the two lines in fixed colours, on the 1–5 scale', () => {
    const spec = calibrationChartSpec(chart) as unknown as {
      data: { values: { session: string; who: string; mean: number | null }[] };
      encoding: { x: { scale: { domain: string[] } }; y: { scale: { domain: number[] } } };
    };
    expect(spec.encoding.x.scale.domain).toEqual(['S3 6 Oct', 'S7 20 Oct', 'S9 3 Nov', 'S12 17 Nov']);
    expect(spec.encoding.y.scale.domain).toEqual([1, 5]);
    expect(spec.data.values).toHaveLength(8);
    expect(spec.data.values.filter((v) => v.who === 'You').map((v) => v.mean)).toEqual([4.5, 4.5, null, 4.2]);
  });

  test('renders to SVG with its title, labels and legend', async () => {
    const svg = await renderCalibrationSvg(chart);
    expect(svg).toContain('You and your mentor, per rated session');
    for (const label of ['S3 6 Oct', 'S12 17 Nov', 'You', 'Mentor', 'Mean rating (1–5)']) expect(svg).toContain(label);
  }, 30000);

  test('the PNG is 1024 px wide and at most 1024 high (what Teams shows in a card), with both lines drawn', async () => {
    const png = decodePng(await renderCalibrationPng(chart));
    expect(png.width).toBe(CHART_PIXEL_WIDTH);
    expect(png.height).toBeGreaterThan(300);
    expect(png.height).toBeLessThanOrEqual(1024);
    // The coach's line (#4e79a7) and the mentor's (#f28e2b) are both in the picture.
    expect(hasColour(png, [0x4e, 0x79, 0xa7])).toBe(true);
    expect(hasColour(png, [0xf2, 0x8e, 0x2b])).toBe(true);
  }, 30000);

  test("the app's lazy renderer draws it too", async () => {
    const png = await (chartRenderer.renderCalibrationPng as (c: CalibrationChartData) => Promise<Uint8Array>)(chart);
    expect(decodePng(png).width).toBe(CHART_PIXEL_WIDTH);
  }, 30000);
});
