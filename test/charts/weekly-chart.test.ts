import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import {
  CHART_HEIGHT,
  CHART_SCALE,
  CHART_WIDTH,
  renderChartSvg,
  vegaChartRenderer,
  weeklyChartSpec,
} from '../../src/charts/weekly-chart';
import type { ChartData } from '../../src/core/ports';
import { decodePng } from '../helpers/png';

const chart: ChartData = {
  title: 'Weekly means, 8 weeks to 28 Dec 2026 – 3 Jan 2027',
  weekStarts: [
    '2026-11-09',
    '2026-11-16',
    '2026-11-23',
    '2026-11-30',
    '2026-12-07',
    '2026-12-14',
    '2026-12-21',
    '2026-12-28',
  ],
  series: ['Context', 'Respect', 'Talents', 'Empathy', 'Feelings', 'Openness'].map((label, j) => ({
    label,
    values: [3, 3.5, null, 4, 2.5, 3.2, 4.1, 4.8].map((v) => (v === null ? null : Math.min(5, v + j * 0.1))),
  })),
};

describe('weekly chart', () => {
  test('is a valid PNG of the expected size whose pixels are not blank', async () => {
    const png = await vegaChartRenderer.renderPng(chart);
    const image = decodePng(png);
    expect(image.width).toBe(CHART_WIDTH * CHART_SCALE);
    expect(image.height).toBe(Math.round(CHART_HEIGHT * CHART_SCALE));
    // One image for Slack and Teams: Teams shows no card image over 1024×1024.
    expect([image.width, image.height]).toEqual([1024, 455]);
    let coloured = 0;
    let dark = 0;
    for (let y = 0; y < image.height; y += 2) {
      for (let x = 0; x < image.width; x += 2) {
        const [r, g, b] = image.rgba(x, y);
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60)
          coloured++; // bar colours
        else if (r < 80 && g < 80 && b < 80) dark++; // text and axes
      }
    }
    const sampled = (image.width / 2) * (image.height / 2);
    expect(coloured / sampled).toBeGreaterThan(0.05);
    expect(dark).toBeGreaterThan(500);
    // Corners are the white background.
    expect(image.rgba(0, 0).slice(0, 3)).toEqual([255, 255, 255]);
  });

  test('the SVG names every behaviour and week, draws text in the configured font, and skips empty weeks', async () => {
    const svg = await renderChartSvg(chart);
    expect(svg).toMatch(new RegExp(`^<svg[^>]+width="${CHART_WIDTH}" height="${CHART_HEIGHT}"`));
    for (const label of ['Context', 'Openness', '9 Nov', '23 Nov', '28 Dec']) expect(svg).toContain(label);
    expect(svg).toContain('DejaVu Sans');
    const bars = svg.match(/aria-roledescription="bar"/g) ?? [];
    expect(bars).toHaveLength(6 * 7); // seven weeks with data, six behaviours each
  });
});

describe('charts of the same shape', () => {
  test('share one parsed spec and still draw only their own values', async () => {
    const other: ChartData = {
      ...chart,
      series: chart.series.map((s, j) => ({
        ...s,
        values: s.values.map((v, i) => (i === 0 ? null : j === 0 && v !== null ? 1 : v)),
      })),
    };
    // Vega numbers clip paths from a counter of its own: the same chart drawn twice differs only there.
    const draw = async (c: ChartData) => (await renderChartSvg(c)).replace(/clip\d+/g, 'clip');
    const first = await draw(chart);
    const second = await draw(other);
    expect((await draw(chart)) === first).toBe(true);
    expect(second === first).toBe(false);
    const bars = (svg: string) => (svg.match(/aria-roledescription="bar"/g) ?? []).length;
    expect(bars(first)).toBe(6 * 7);
    expect(bars(second)).toBe(6 * 6); // the first week has no data in the second chart
  });
});

describe('a kept view', () => {
  /** The chart drawn on a view of its own, parsed from its spec, as every chart was drawn before views were kept. */
  const fresh = async (c: ChartData) => {
    const view = new vega.View(vega.parse(vegaLite.compile(weeklyChartSpec(c)).spec), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
  const same = (svg: string) => svg.replace(/clip\d+/g, 'clip');

  test('draws each chart exactly as a view of its own would, whichever weeks the charts before it lacked', async () => {
    // Charts of one shape whose weeks without data differ: a kept view must bring back a week the chart before lacked.
    let seed = 7;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const charts: ChartData[] = Array.from({ length: 12 }, (_, k) => ({
      ...chart,
      series: chart.series.map((s) => ({
        ...s,
        values: s.values.map((_, i) => (random() < 0.3 || (k % 3 === 0 && i === k % 8) ? null : 1 + (k % 5))),
      })),
    }));
    charts.push({ ...chart, series: chart.series.map((s) => ({ ...s, values: s.values.map(() => null) })) }, chart);
    // Drawn at once, as a weekly run may: the draws on one view take turns.
    const kept = await Promise.all(charts.map((c) => renderChartSvg(c)));
    for (const [i, c] of charts.entries()) expect(same(kept[i])).toBe(same(await fresh(c)));
  });
});

describe('the digest chart: band levels on a named scale', () => {
  test('the y axis names the bands and no tick reads as a rating', async () => {
    const chart: ChartData = {
      title: 'Share rating each behaviour Often or Consistently',
      weekStarts: ['2027-01-04', '2027-01-11'],
      series: [{ label: 'Context', values: [2, 3] }],
      scale: { title: 'Share at Often or Consistently', labels: ['few', 'about half', 'most'] },
    };
    const svg = await renderChartSvg(chart);
    for (const label of ['few', 'about half', 'most', 'Share at Often or Consistently']) expect(svg).toContain(label);
    expect(svg).not.toContain('Mean rating');
    expect(svg).not.toMatch(/>[45]</); // the 1–5 ticks are gone
  });
});
