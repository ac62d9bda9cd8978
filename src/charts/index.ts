import type { CalibrationChartData, ChartData, ChartRenderer } from '../core/ports';

/** The chart renderer, loading vega and resvg on first use so start-up and the CLI stay quick. */
export const chartRenderer: ChartRenderer = {
  async renderPng(chart: ChartData): Promise<Uint8Array> {
    const { vegaChartRenderer } = await import('./weekly-chart');
    return vegaChartRenderer.renderPng(chart);
  },
  async renderCalibrationPng(chart: CalibrationChartData): Promise<Uint8Array> {
    const { renderCalibrationPng } = await import('./calibration-chart');
    return renderCalibrationPng(chart);
  },
};
