/**
 * A small line chart drawn as SVG, for the explorer: points on a log-scaled
 * x axis (r / r_init), an optional horizontal threshold line, and a shaded
 * band for the zone. Redrawn whole each time a point arrives.
 */
export interface ChartOptions {
  title: string;
  yLabel: string;
  xRange: [number, number];
  yRange?: [number, number];
  threshold?: { y: number; label: string };
  band?: [number, number] | null;
}

const W = 460, H = 260, LEFT = 56, RIGHT = 16, TOP = 28, BOTTOM = 40;
const SVG = 'http://www.w3.org/2000/svg';

function element(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws `points` (x > 0) into the svg element `svg`, replacing what was there. */
export function drawChart(svg: SVGSVGElement, points: { x: number; y: number }[], options: ChartOptions): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const [x0, x1] = options.xRange.map(Math.log10) as [number, number];
  const ys = points.map((p) => p.y).concat(options.threshold ? [options.threshold.y] : []);
  let [y0, y1] = options.yRange ?? [Math.min(0, ...ys), Math.max(1e-9, ...ys)];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number): number => LEFT + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - LEFT - RIGHT);
  const sy = (y: number): number => H - BOTTOM - ((y - y0) / (y1 - y0)) * (H - TOP - BOTTOM);
  svg.append(element('text', { x: W / 2, y: 18, 'text-anchor': 'middle', class: 'chart-title' }, options.title));
  if (options.band) {
    const [a, b] = options.band.map(sx) as [number, number];
    svg.append(element('rect', { x: a, y: TOP, width: Math.max(1, b - a), height: H - TOP - BOTTOM, class: 'chart-band' }));
  }
  svg.append(element('line', { x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM, class: 'chart-axis' }));
  svg.append(element('line', { x1: LEFT, y1: TOP, x2: LEFT, y2: H - BOTTOM, class: 'chart-axis' }));
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    svg.append(element('text', { x: sx(10 ** e), y: H - BOTTOM + 16, 'text-anchor': 'middle', class: 'chart-tick' }, `${10 ** e}`));
  }
  for (const y of [y0, (y0 + y1) / 2, y1]) {
    svg.append(element('text', { x: LEFT - 6, y: sy(y) + 4, 'text-anchor': 'end', class: 'chart-tick' }, y.toPrecision(2)));
  }
  svg.append(element('text', { x: (LEFT + W - RIGHT) / 2, y: H - 6, 'text-anchor': 'middle', class: 'chart-label' }, 'r / r_init'));
  svg.append(element('text', { x: 14, y: (TOP + H - BOTTOM) / 2, transform: `rotate(-90 14 ${(TOP + H - BOTTOM) / 2})`, 'text-anchor': 'middle', class: 'chart-label' }, options.yLabel));
  if (options.threshold) {
    const y = sy(options.threshold.y);
    svg.append(element('line', { x1: LEFT, y1: y, x2: W - RIGHT, y2: y, class: 'chart-threshold' }));
    svg.append(element('text', { x: W - RIGHT - 4, y: y - 4, 'text-anchor': 'end', class: 'chart-tick' }, options.threshold.label));
  }
  if (points.length) {
    svg.append(element('polyline', { points: points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' '), class: 'chart-line' }));
    for (const p of points) svg.append(element('circle', { cx: sx(p.x), cy: sy(p.y), r: 3.5, class: 'chart-point' }));
  }
}
