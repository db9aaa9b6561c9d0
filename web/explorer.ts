/**
 * The Goldilocks explorer page: a form for the study's options, a Web Worker
 * that computes (explorer-worker.ts), and two charts — Tr(H)/‖H‖_F and the
 * fraction of positive eigenvalues against r / r_init — redrawn as each
 * radius arrives. The finished study is also written, as JSON, into
 * #result, where the browser tests read it.
 */
import { drawChart } from './chart.js';
import type { ExplorerMessage, ExplorerRequest } from './explorer-worker.js';
import type { ZoneStudyConfig } from './zone-study.js';

interface PlottedPoint { radiusRatio: number; traceOverNorm: number; positiveFraction: number; loss: number; accuracy: number }

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('study');
const status = $('status');
const backendLine = $('backend');
const rows = $('points');
const result = $('result');
let worker: Worker | null = null;

function readConfig(): { config: ZoneStudyConfig; backend: ExplorerRequest['backend'] } {
  const value = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
  const int = (name: string): number => Number.parseInt(value(name), 10);
  const backend = value('backend') === 'gpu' ? 'gpu' : 'wasm';
  const hidden = value('hidden').split(/[-,\s]+/).filter(Boolean).map(Number);
  if (hidden.some((w) => !Number.isInteger(w) || w < 1)) throw new Error('hidden widths must be positive integers, e.g. 32 or 32-32');
  const config: ZoneStudyConfig = {
    model: [784, ...hidden, 10].join('-'),
    activation: value('activation') as ZoneStudyConfig['activation'],
    init: value('init') as ZoneStudyConfig['init'],
    bias: (form.elements.namedItem('bias') as HTMLInputElement).checked,
    samples: int('samples'),
    subspaceDim: int('dim'),
    scales: { min: Number(value('rmin')), max: Number(value('rmax')), count: int('rcount') },
    repeats: int('repeats'),
    seed: int('seed'),
    dtype: backend === 'gpu' ? 'float32' : 'float64',
    dataDir: '/data/mnist',
  };
  if (!(config.scales.min > 0 && config.scales.max > config.scales.min && config.scales.count >= 2)) throw new Error('radii: need 0 < min < max and at least 2 radii');
  if (!(config.samples >= 1 && config.samples <= 1000)) throw new Error('samples: between 1 and 1000 (the site ships 1000 MNIST digits)');
  return { config, backend };
}

function draw(points: PlottedPoint[], config: ZoneStudyConfig, threshold: number | null, band: [number, number] | null): void {
  const xRange: [number, number] = [config.scales.min, config.scales.max];
  drawChart($<HTMLElement>('trace-chart') as unknown as SVGSVGElement, points.map((p) => ({ x: p.radiusRatio, y: p.traceOverNorm })), {
    title: 'Tr(H) / ‖H‖_F', yLabel: 'Tr(H)/‖H‖', xRange, band, ...(threshold !== null ? { threshold: { y: threshold, label: 'significance threshold' } } : {}),
  });
  drawChart($<HTMLElement>('positive-chart') as unknown as SVGSVGElement, points.map((p) => ({ x: p.radiusRatio, y: p.positiveFraction })), {
    title: 'fraction of positive eigenvalues', yLabel: 'λ > 0', xRange, yRange: [0, 1], band, threshold: { y: 0.5, label: '½' },
  });
}

function start(event: Event): void {
  event.preventDefault();
  let request: ReturnType<typeof readConfig>;
  try {
    request = readConfig();
  } catch (error) {
    status.textContent = (error as Error).message;
    return;
  }
  worker?.terminate();
  worker = new Worker(new URL('./explorer-worker.js', import.meta.url), { type: 'module' });
  const points: PlottedPoint[] = [];
  const threshold = 3 * Math.sqrt(2 / (request.config.subspaceDim + 1)) / Math.sqrt(request.config.repeats);
  rows.replaceChildren();
  result.textContent = '';
  result.dataset.state = 'running';
  draw(points, request.config, threshold, null);
  status.textContent = 'loading the data…';
  const started = performance.now();
  worker.onmessage = (message: MessageEvent<ExplorerMessage>) => {
    const m = message.data;
    if (m.kind === 'backend') backendLine.textContent = m.text;
    else if (m.kind === 'point') {
      const p = m.point as PlottedPoint;
      points.push(p);
      draw(points, request.config, threshold, null);
      const row = document.createElement('tr');
      for (const v of [p.radiusRatio.toPrecision(3), p.loss.toFixed(4), p.accuracy.toFixed(3), p.traceOverNorm.toFixed(4), p.positiveFraction.toFixed(3)]) {
        row.append(Object.assign(document.createElement('td'), { textContent: v }));
      }
      rows.append(row);
      status.textContent = `radius ${m.index + 1} of ${m.total} done (${((performance.now() - started) / 1000).toFixed(1)} s)`;
    } else if (m.kind === 'done') {
      const r = m.result as { zone: { lowerRatio: number; upperRatio: number } | null; traceOverNormThreshold: number; backend: string };
      draw(points, request.config, r.traceOverNormThreshold, r.zone ? [r.zone.lowerRatio, r.zone.upperRatio] : null);
      backendLine.textContent = r.backend;
      status.textContent = `done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${r.zone ? `Goldilocks zone from r/r_init = ${r.zone.lowerRatio.toPrecision(3)} to ${r.zone.upperRatio.toPrecision(3)}` : 'no radius with significant excess positive curvature'}`;
      result.textContent = JSON.stringify({ config: request.config, backendChoice: request.backend, ...r });
      result.dataset.state = 'done';
    } else {
      status.textContent = `error: ${m.message}`;
      result.dataset.state = 'error';
    }
  };
  worker.onerror = (error: ErrorEvent) => {
    status.textContent = `error: the worker failed: ${error.message}`;
    result.dataset.state = 'error';
  };
  worker.postMessage(request satisfies ExplorerRequest);
}

$('crossorigin').textContent = globalThis.crossOriginIsolated
  ? 'This page is cross-origin isolated: the WebAssembly kernel can share its memory with helper threads.'
  : 'This page is not cross-origin isolated, so the WebAssembly kernel runs on one thread (a browser that refuses its shared memory here gets the js kernel, with the same numbers). Serve the site with the COOP/COEP headers for threads.';
form.addEventListener('submit', start);
