import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { CalibrationChartData } from '../core/ports';
import { CHART_FONT, CHART_HEIGHT, CHART_WIDTH, svgToPng } from './weekly-chart';

/** The coach's line and the mentor's: the same two colours every time, the coach's first. */
const SELF_COLOUR = '#4e79a7';
const MENTOR_COLOUR = '#f28e2b';
export const SELF_LABEL = 'You';
export const MENTOR_LABEL = 'Mentor';

/**
 * Self beside mentor over time (`/selfcheck compare`): per session a mentor rated, the coach's mean over the
 * behaviours both rated and the mentor's, as two lines with points on the 1–5 scale; the space between them is the
 * calibration gap. Same stack and size as the weekly chart (vega-lite 5 → SVG → resvg PNG, 1024 px wide).
 */
export function calibrationChartSpec(chart: CalibrationChartData): vegaLite.TopLevelSpec {
  const labels = chart.points.map((p) => p.label);
  const values = chart.points.flatMap((p) => [
    { session: p.label, who: SELF_LABEL, mean: p.self },
    { session: p.label, who: MENTOR_LABEL, mean: p.mentor },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: chart.title, anchor: 'start' },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    background: '#ffffff',
    data: { values },
    transform: [{ filter: 'datum.mean !== null' }],
    mark: { type: 'line', point: { filled: true, size: 80 }, strokeWidth: 2.5 },
    encoding: {
      x: { field: 'session', type: 'ordinal', scale: { domain: labels }, title: 'Session', axis: { labelAngle: 0 } },
      y: {
        field: 'mean',
        type: 'quantitative',
        title: 'Mean rating (1–5)',
        scale: { domain: [1, 5] },
        axis: { values: [1, 2, 3, 4, 5] },
      },
      color: {
        field: 'who',
        type: 'nominal',
        sort: [SELF_LABEL, MENTOR_LABEL],
        scale: { domain: [SELF_LABEL, MENTOR_LABEL], range: [SELF_COLOUR, MENTOR_COLOUR] },
        legend: { title: null, orient: 'bottom', direction: 'horizontal' },
      },
      tooltip: [{ field: 'who' }, { field: 'session' }, { field: 'mean', format: '.1f' }],
    },
    config: { font: CHART_FONT, view: { stroke: null } },
  };
}

/** Vega-Lite → Vega → SVG, headless. */
export async function renderCalibrationSvg(chart: CalibrationChartData): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(calibrationChartSpec(chart)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The PNG sent with `compare`: 1024 px wide, within what Teams shows in a card. */
export async function renderCalibrationPng(chart: CalibrationChartData): Promise<Uint8Array> {
  return svgToPng(await renderCalibrationSvg(chart)).png;
}
