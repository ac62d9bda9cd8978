/** What core asks of chart drawing (src/charts implements it), apart from the storage and messaging ports. */

/** Weekly means to draw: one series per behaviour over the same weeks. Missing weeks are null. */
export interface ChartData {
  title: string;
  /** Monday dates, oldest first. */
  weekStarts: string[];
  series: { label: string; values: (number | null)[] }[];
  /** A scale of named steps 1..n (a digest's bands) instead of the 1–5 rating scale. */
  scale?: { title: string; labels: readonly string[] };
}

/** Self beside mentor over time (`/selfcheck compare`): per rated session, the coach's mean and the mentor's. */
export interface CalibrationChartData {
  title: string;
  /** Oldest first; a label per session ("S12 30 Nov"), unique. */
  points: { label: string; self: number | null; mentor: number | null }[];
}

/** Draws a chart to PNG. Implemented outside core (src/charts) so core does not depend on a drawing library. */
export interface ChartRenderer {
  renderPng(chart: ChartData): Promise<Uint8Array>;
  /** The calibration chart (src/charts/calibration-chart.ts); a renderer without it sends `compare` as text. */
  renderCalibrationPng?(chart: CalibrationChartData): Promise<Uint8Array>;
}
