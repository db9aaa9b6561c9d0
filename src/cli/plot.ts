/**
 * Plots without a browser: vega-lite JSON → vega → SVG → PNG.
 *
 * A chart is described as a plain vega-lite spec (a JSON object you could
 * paste into the online vega editor). vega renders it to an SVG string on
 * Node with its headless `renderer: 'none'` (no canvas package needed), and
 * @resvg/resvg-js rasterises that SVG into a PNG.
 *
 * Text in a PNG needs a font file. A fresh machine may have no system fonts
 * at all, so the PNG renderer loads DejaVu Sans from the `dejavu-fonts-ttf`
 * npm package (a dependency of this project) and ignores system fonts: the
 * same pixels on every machine. The SVG itself asks for `sans-serif`, which
 * any viewer can supply.
 *
 * Each chart has two functions: `xxxSpec(options)` builds the spec (pure,
 * synchronous, easy to inspect or tweak) and `xxx(options)` renders it to SVG.
 * `savePlot` writes the .svg, and optionally the .png, atomically.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import type * as ResvgModule from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { UserError } from './errors.js';
import { writeFileAtomic } from './output.js';

/** A complete vega-lite specification. */
export type VegaLiteSpec = TopLevelSpec;

export interface Point {
  x: number;
  y: number;
}

/** One named curve or cloud of points. */
export interface Series {
  name: string;
  points: readonly Point[];
}

/** A shaded vertical strip over [from, to] on the x axis, e.g. the Goldilocks zone. */
export interface Band {
  from: number;
  to: number;
  label: string;
}

/** What every chart has. */
interface ChartFrame {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Shaded x ranges drawn behind the data. */
  bands?: readonly Band[];
  /** Size of the plotting area in pixels (default 560 × 340). */
  width?: number;
  height?: number;
}

export interface LineChartOptions extends ChartFrame {
  series: readonly Series[];
  xLog?: boolean;
  yLog?: boolean;
}

export type ScatterChartOptions = LineChartOptions;

/** Samples to summarise as a distribution (e.g. Hessian eigenvalues). */
export interface Sample {
  name: string;
  values: readonly number[];
}

export interface HistogramOptions extends Omit<ChartFrame, 'yLabel'> {
  series: readonly Sample[];
  /** Number of equal-width bins over the range of all values (default 30). */
  bins?: number;
  /** Default "count". */
  yLabel?: string;
  yLog?: boolean;
}

export interface DensityChartOptions extends Omit<ChartFrame, 'yLabel'> {
  series: readonly Sample[];
  /** Kernel bandwidth; default: Scott's rule. */
  bandwidth?: number;
  /** Default "density". */
  yLabel?: string;
}

const BAND_COLOR = '#f2b134';
const DEFAULT_WIDTH = 560;
const DEFAULT_HEIGHT = 340;

// ---------------------------------------------------------------------------
// Checking the data: a NaN in a plot must not silently vanish from it.

function checkValue(where: string, axis: string, value: number, log: boolean): void {
  if (!Number.isFinite(value)) throw new UserError(`cannot plot ${where}: ${axis} = ${value} is not a finite number`);
  if (log && value <= 0) throw new UserError(`cannot plot ${where}: ${axis} = ${value} on a log axis (values must be > 0)`);
}

function checkSeries(title: string, series: readonly Series[], xLog: boolean, yLog: boolean): void {
  for (const s of series) {
    s.points.forEach((p, i) => {
      const where = `"${title}", series "${s.name}", point ${i}`;
      checkValue(where, 'x', p.x, xLog);
      checkValue(where, 'y', p.y, yLog);
    });
  }
}

function checkBands(title: string, bands: readonly Band[], xLog: boolean): void {
  for (const b of bands) {
    const where = `"${title}", band "${b.label}"`;
    checkValue(where, 'from', b.from, xLog);
    checkValue(where, 'to', b.to, xLog);
  }
}

// ---------------------------------------------------------------------------
// Spec pieces shared by the charts

const scaleType = (log: boolean) => (log ? 'log' : 'linear') as 'log' | 'linear';
/** A data axis: log, or linear without forcing zero into the domain. */
const dataScale = (log: boolean) => (log ? { type: 'log' as const } : { type: 'linear' as const, zero: false });

/** The layers that draw bands: a translucent rect per band, its label on top. */
function bandLayers(bands: readonly Band[], xLabel: string, xLog: boolean) {
  const rows = bands.map((b) => ({
    from: b.from,
    to: b.to,
    label: b.label,
    middle: xLog ? Math.sqrt(b.from * b.to) : (b.from + b.to) / 2,
  }));
  const x = { scale: { type: scaleType(xLog) }, title: xLabel };
  return [
    {
      data: { values: rows },
      mark: { type: 'rect' as const, color: BAND_COLOR, opacity: 0.25 },
      encoding: { x: { field: 'from', type: 'quantitative' as const, ...x }, x2: { field: 'to' } },
    },
    {
      data: { values: rows },
      mark: { type: 'text' as const, baseline: 'top' as const, dy: 4, color: '#8a5a00' },
      encoding: { x: { field: 'middle', type: 'quantitative' as const, ...x }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

function colorEncoding(names: readonly string[]) {
  return {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: [...names] },
    legend: names.length > 1 ? { title: null, labelLimit: 400 } : null,
  };
}

function pointRows(series: readonly Series[]) {
  return series.flatMap((s) => s.points.map((p) => ({ series: s.name, x: p.x, y: p.y })));
}

function frame(options: Pick<ChartFrame, 'title' | 'width' | 'height'>) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? DEFAULT_WIDTH,
    height: options.height ?? DEFAULT_HEIGHT,
    background: 'white',
    config: { view: { stroke: null } },
  };
}

function xyChartSpec(options: LineChartOptions, mark: 'line' | 'point'): VegaLiteSpec {
  const { title, xLabel, yLabel, series, bands = [], xLog = false, yLog = false } = options;
  checkSeries(title, series, xLog, yLog);
  checkBands(title, bands, xLog);
  const data = {
    data: { values: pointRows(series) },
    mark: mark === 'line' ? { type: 'line' as const, point: series.every((s) => s.points.length <= 30) } : { type: 'point' as const, filled: true, size: 30 },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, title: xLabel, scale: dataScale(xLog) },
      y: { field: 'y', type: 'quantitative' as const, title: yLabel, scale: dataScale(yLog) },
      color: colorEncoding(series.map((s) => s.name)),
      ...(mark === 'line' ? { order: { field: 'x', type: 'quantitative' as const } } : {}),
    },
  };
  return { ...frame(options), layer: [...bandLayers(bands, xLabel, xLog), data] };
}

// ---------------------------------------------------------------------------
// The charts

/** Curves y(x), one per series, optionally on log axes, over shaded bands. */
export function lineChartSpec(options: LineChartOptions): VegaLiteSpec {
  return xyChartSpec(options, 'line');
}

/** Points (x, y), coloured by series. */
export function scatterChartSpec(options: ScatterChartOptions): VegaLiteSpec {
  return xyChartSpec(options, 'point');
}

/**
 * Histograms of one or more samples on shared bins (computed here, so the bin
 * edges are exact and the same for every series).
 */
export function histogramSpec(options: HistogramOptions): VegaLiteSpec {
  const { title, xLabel, series, bins = 30, yLabel = 'count', yLog = false, bands = [] } = options;
  if (!Number.isSafeInteger(bins) || bins < 1) throw new UserError(`cannot plot "${title}": bins must be a positive integer, got ${bins}`);
  const all: number[] = [];
  for (const s of series) {
    s.values.forEach((v, i) => checkValue(`"${title}", series "${s.name}", value ${i}`, 'value', v, false));
    all.push(...s.values);
  }
  checkBands(title, bands, false);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const rows = series.flatMap((s) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of s.values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
    return counts
      .map((count, i) => ({ series: s.name, start: lo + i * width, end: lo + (i + 1) * width, count }))
      .filter((row) => !yLog || row.count > 0);
  });
  const data = {
    data: { values: rows },
    mark: { type: 'rect' as const, opacity: series.length > 1 ? 0.55 : 0.9 },
    encoding: {
      x: { field: 'start', type: 'quantitative' as const, title: xLabel, scale: { zero: false } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative' as const, title: yLabel, scale: yLog ? { type: 'log' as const } : {} },
      ...(yLog ? { y2: { value: options.height ?? DEFAULT_HEIGHT } } : { y2: { datum: 0 } }),
      color: colorEncoding(series.map((s) => s.name)),
    },
  };
  return { ...frame(options), layer: [...bandLayers(bands, xLabel, false), data] };
}

/** Smoothed densities (Gaussian kernel density estimates) of one or more samples. */
export function densityChartSpec(options: DensityChartOptions): VegaLiteSpec {
  const { title, xLabel, series, yLabel = 'density', bandwidth, bands = [] } = options;
  for (const s of series) s.values.forEach((v, i) => checkValue(`"${title}", series "${s.name}", value ${i}`, 'value', v, false));
  checkBands(title, bands, false);
  const data = {
    data: { values: series.flatMap((s) => s.values.map((value) => ({ series: s.name, value }))) },
    transform: [{ density: 'value', groupby: ['series'], ...(bandwidth !== undefined ? { bandwidth } : {}) }],
    mark: { type: 'line' as const },
    encoding: {
      x: { field: 'value', type: 'quantitative' as const, title: xLabel },
      y: { field: 'density', type: 'quantitative' as const, title: yLabel },
      color: colorEncoding(series.map((s) => s.name)),
    },
  };
  return { ...frame(options), layer: [...bandLayers(bands, xLabel, false), data] };
}

// ---------------------------------------------------------------------------
// Rendering

/**
 * Renders a vega-lite spec to an SVG document (a string).
 *
 * vega and vega-lite are imported here, on first use, not at the top: they
 * take a while to load, which every command importing this file would
 * otherwise pay, and vega is an ES module with a top-level await, which must
 * be loaded by Node's ES module loader (a test runner that compiles files to
 * CommonJS, like `uvu -r tsx`, cannot `require` it).
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export const lineChart = (options: LineChartOptions): Promise<string> => renderSvg(lineChartSpec(options));
export const scatterChart = (options: ScatterChartOptions): Promise<string> => renderSvg(scatterChartSpec(options));
export const histogram = (options: HistogramOptions): Promise<string> => renderSvg(histogramSpec(options));
export const densityChart = (options: DensityChartOptions): Promise<string> => renderSvg(densityChartSpec(options));

const requireFromHere = createRequire(import.meta.url);

/** The bundled font files for PNG text, or [] if the package is missing. */
export function pngFontFiles(): string[] {
  const files: string[] = [];
  for (const name of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    try {
      const file = requireFromHere.resolve(`dejavu-fonts-ttf/ttf/${name}`);
      if (existsSync(file)) files.push(file);
    } catch {
      // not installed: fall back to system fonts below
    }
  }
  return files;
}

/** Rasterises an SVG document to PNG bytes; `scale` 2 gives crisp text. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fontFiles = pngFontFiles();
  const font = fontFiles.length
    ? { fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }
    : { loadSystemFonts: true };
  // required here, not imported at the top: its native binding takes a while to load, and most runs of the CLI draw nothing
  const { Resvg } = requireFromHere('@resvg/resvg-js') as typeof ResvgModule;
  const resvg = new Resvg(svg, { font, background: 'white', fitTo: { mode: 'zoom', value: scale } });
  return resvg.render().asPng();
}

export interface SavePlotOptions {
  /** Also write a PNG next to the SVG. */
  png: boolean;
  /** PNG pixels per SVG pixel (default 2). */
  scale?: number;
}

/**
 * Writes `<pathWithoutExt>.svg` (and `.png` if asked) atomically, from a
 * vega-lite spec or from an SVG string already rendered. Returns the paths.
 */
export async function savePlot(
  pathWithoutExt: string,
  plot: VegaLiteSpec | string,
  options: SavePlotOptions,
): Promise<{ svg: string; png?: string }> {
  const svg = typeof plot === 'string' ? plot : await renderSvg(plot);
  const svgPath = `${pathWithoutExt}.svg`;
  writeFileAtomic(svgPath, svg);
  if (!options.png) return { svg: svgPath };
  const pngPath = `${pathWithoutExt}.png`;
  writeFileAtomic(pngPath, svgToPng(svg, options.scale));
  return { svg: svgPath, png: pngPath };
}
