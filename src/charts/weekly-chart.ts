import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { ChartData, ChartRenderer } from '../core/ports';
import { encodeOpaquePng } from './png-encode';
import { createTextOutliner, outlinedBody } from './text-outlines';

/** A font every chart uses; DejaVu Sans ships with most Linux images and is what resvg falls back to. */
export const CHART_FONT = 'DejaVu Sans';
export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 320;
/**
 * The PNG's width in pixels: the most Teams shows in a card (1024×1024), and sharp enough for Slack, so one image
 * serves both (the chart is 1024×455).
 */
export const CHART_PIXEL_WIDTH = 1024;
/** Pixels per chart unit in the PNG (about 1.4, which keeps text sharp on high-density screens). */
export const CHART_SCALE = CHART_PIXEL_WIDTH / CHART_WIDTH;

const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];

/** "2026-11-16" → "16 Nov": week labels on the x axis. */
function weekLabel(monday: string): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [, m, d] = monday.split('-').map(Number);
  return `${d} ${months[m - 1]}`;
}

/**
 * The declarative chart: one grouped bar chart, a group of six bars (one per behaviour) for each week, on the
 * 1–5 scale (or the named steps of `chart.scale`). A week without data simply has no bar. Fixed size, so the PNG is always the same dimensions.
 */
export function weeklyChartSpec(chart: ChartData): vegaLite.TopLevelSpec {
  const weeks = chart.weekStarts.map(weekLabel);
  const steps = chart.scale?.labels ?? ['1', '2', '3', '4', '5'];
  // Vega label expression naming each step (a digest's bands); the rating scale keeps its numbers.
  const named = steps.map((label, i) => `datum.value == ${i + 1} ? ${JSON.stringify(label)} : `).join('');
  const labelExpr = `${named}''`;
  const values = chart.series.flatMap((s) =>
    s.values.map((v, i) => ({
      week: weeks[i],
      behaviour: s.label,
      mean: v === null ? null : Math.round(v * 100) / 100,
    })),
  );
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
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      // The domain lists every week, so a week without data shows as a gap rather than disappearing.
      x: { field: 'week', type: 'ordinal', scale: { domain: weeks }, title: 'Week starting', axis: { labelAngle: 0 } },
      xOffset: { field: 'behaviour', type: 'nominal', sort: chart.series.map((s) => s.label) },
      y: {
        field: 'mean',
        type: 'quantitative',
        // One bar per week and behaviour, side by side (xOffset): nothing to stack. Unstacked, each bar is one
        // rectangle with rounded ends instead of a clipped group of its own, so a view can be given new values.
        stack: null,
        title: chart.scale?.title ?? 'Mean rating (1–5)',
        scale: { domain: [0, steps.length] },
        axis: { values: steps.map((_, i) => i + 1), labelExpr },
      },
      color: {
        field: 'behaviour',
        type: 'nominal',
        sort: chart.series.map((s) => s.label),
        scale: { range: COLOURS },
        legend: { title: null, orient: 'bottom', direction: 'horizontal' },
      },
      tooltip: [{ field: 'behaviour' }, { field: 'week' }, { field: 'mean', format: '.1f' }],
    },
    config: { font: CHART_FONT, view: { stroke: null } },
  };
}

/** The data set the compiled spec reads: the chart's values are handed to each view, not compiled into the spec. */
const CHART_DATA = 'chart';

/**
 * One Vega view per chart shape (title, weeks, scale and series labels), kept and given each chart's values in
 * turn: compiling Vega-Lite, parsing Vega and building a view's dataflow (with its axes' and legend's subflows) is
 * most of a chart's cost and the same for every coach reported on the same week. Draws on one view take turns
 * (`queue`), since a view holds one data set at a time.
 */
interface ShapeView {
  view: vega.View;
  queue: Promise<unknown>;
}
const views = new Map<string, ShapeView>();
/** About 0.65 MB of heap each; a weekly run draws a handful of shapes. */
const MAX_VIEWS = 16;

function viewFor(spec: vegaLite.TopLevelSpec & { data: { values: unknown[] } }): ShapeView {
  const shape = { ...spec, data: { name: CHART_DATA } } as vegaLite.TopLevelSpec;
  const key = JSON.stringify(shape);
  let entry = views.get(key);
  if (!entry) {
    if (views.size >= MAX_VIEWS) {
      // The oldest shape goes once its draws are done.
      const [oldestKey, oldest] = views.entries().next().value as [string, ShapeView];
      views.delete(oldestKey);
      void oldest.queue.finally(() => oldest.view.finalize());
    }
    const view = new vega.View(vega.parse(vegaLite.compile(shape).spec), { renderer: 'none' });
    entry = { view, queue: Promise.resolve() };
    views.set(key, entry);
  }
  return entry;
}

/** Vega-Lite → Vega → SVG, headless (no browser, no canvas). */
export async function renderChartSvg(chart: ChartData): Promise<string> {
  const spec = weeklyChartSpec(chart) as vegaLite.TopLevelSpec & { data: { values: { mean: number | null }[] } };
  if (spec.data.values.every((v) => v.mean === null)) {
    // Without a single bar a kept view would keep the last chart's layout: draw it on a view of its own, as always.
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }
  const entry = viewFor(spec);
  const drawn = entry.queue.then(() => entry.view.data(CHART_DATA, spec.data.values).toSVG());
  // The next draw waits for this one, whether it worked or not.
  entry.queue = drawn.catch(() => undefined);
  return drawn;
}

/**
 * The chart font's files (regular and bold), found once through fontconfig; resvg then loads those two instead of
 * every font on the system for every chart. Without fontconfig, or without the font, resvg loads the system's fonts.
 */
let fontFiles: string[] | null | undefined;
function chartFontFiles(): string[] | null {
  if (fontFiles === undefined) {
    try {
      fontFiles = ['', ':bold'].map((style) =>
        execFileSync('fc-match', ['-f', '%{file}', `${CHART_FONT}${style}`], {
          encoding: 'utf8',
          timeout: 5000,
        }).trim(),
      );
      if (!fontFiles.every((f) => /dejavusans/i.test(f.replace(/[^a-z]/gi, '')) && fs.existsSync(f))) fontFiles = null;
    } catch {
      fontFiles = null;
    }
  }
  return fontFiles;
}

/** resvg's font options: the chart font's files (or the system's fonts), DejaVu Sans for every family asked for. */
export function chartFontOptions(): ResvgRenderOptions['font'] {
  const files = chartFontFiles();
  return {
    ...(files ? { fontFiles: files, loadSystemFonts: false } : { loadSystemFonts: true }),
    defaultFontFamily: CHART_FONT,
    sansSerifFamily: CHART_FONT,
  };
}

/** Each distinct label outlined once by resvg, with the same fonts, and drawn as those paths from then on. */
let outliner: ((svg: string) => string) | undefined;
export function outlineText(svg: string): string {
  outliner ??= createTextOutliner((standalone) =>
    outlinedBody(new Resvg(standalone, { font: chartFontOptions() }).toString()),
  );
  return outliner(svg);
}

/**
 * SVG → PNG with resvg, using the chart font's files (or the system's fonts); labels come as their kept outlines, and
 * the opaque pixels are written as an RGB PNG (`png-encode.ts`).
 */
export function svgToPng(svg: string, scale = CHART_SCALE): { png: Uint8Array; width: number; height: number } {
  const resvg = new Resvg(outlineText(svg), {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: chartFontOptions(),
  });
  const rendered = resvg.render();
  const png = encodeOpaquePng(rendered.pixels, rendered.width, rendered.height) ?? rendered.asPng();
  return { png: new Uint8Array(png), width: rendered.width, height: rendered.height };
}

/** The ChartRenderer core uses for weekly summaries and digests. */
export const vegaChartRenderer: ChartRenderer = {
  async renderPng(chart: ChartData): Promise<Uint8Array> {
    return svgToPng(await renderChartSvg(chart)).png;
  },
};
