/**
 * The site in a real browser (`npm run test:browser`; not part of `npm test`,
 * since it needs Chromium): Debian's `chromium`, driven by puppeteer-core,
 * headless, on the pages that `npm run build:web` makes, served with the
 * cross-origin isolation headers (scripts/serve-web.ts).
 *
 * - Both pages load with no console error and no uncaught exception, also
 *   when served without the isolation headers (one thread, same numbers).
 * - The playground's gradient and Hessian-vector product of a function with
 *   a closed-form derivative are exact.
 * - A small zone study in the explorer, on the WebAssembly kernel in float64,
 *   gives the same numbers as `goldilocks zone` on the same options, data
 *   and seed, bit for bit.
 * - The explorer on gpu.js (WebGL2 through SwiftShader, Chromium's software
 *   GPU) names the engine that ran and agrees with the CLI's float32 study
 *   to float32 accuracy.
 * - Screenshots of both pages go to docs/browser-playground.png and
 *   docs/browser-explorer.png.
 *
 * Chromium: `apt-get install -y chromium` (the test says so if it is
 * missing), or CHROMIUM=/path/to/chrome. As root it needs --no-sandbox.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { serveSite } from '../scripts/serve-web.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SITE = join(ROOT, 'site');
let browser: Browser;
let server: Server;
let base = '';
let dir = '';

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)');
  return found;
}

/** Opens a page, recording console errors and uncaught exceptions. */
async function open(path: string, origin = base): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 900 });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  const response = await page.goto(`${origin}/${path}`, { waitUntil: 'load' });
  assert.is(response?.status(), 200, path);
  return { page, errors };
}

interface StudyPoint { loss: number; traceOverNorm: number; positiveFraction: number; eigenvalues: number[] }
interface Study { hidden: number; samples: number; dim: number; rmin: number; rmax: number; rcount: number; seed: number }
/** Small, but with enough radii to show the zone in the screenshot. */
const WASM_STUDY: Study = { hidden: 16, samples: 200, dim: 6, rmin: 0.05, rmax: 20, rcount: 7, seed: 3 };
/** Smaller still: WebGL in software is slow. */
const GPU_STUDY: Study = { hidden: 8, samples: 100, dim: 4, rmin: 0.1, rmax: 10, rcount: 3, seed: 3 };

/** Runs the study in the explorer on `backend` and returns the page's result. */
async function runExplorer(page: Page, backend: 'wasm' | 'gpu', study: Study): Promise<{ points: StudyPoint[]; backend: string }> {
  for (const [name, value] of Object.entries(study).map(([k, v]) => [k, String(v)] as const)) {
    await page.$eval(`[name=${name}]`, (input, v) => { (input as unknown as { value: string }).value = v; }, value);
  }
  await page.select('[name=backend]', backend);
  await page.click('button[type=submit]');
  await page.waitForSelector('#result[data-state=done], #result[data-state=error]', { timeout: 240_000 });
  const state = await page.$eval('#result', (el) => (el as unknown as { dataset: { state?: string } }).dataset.state);
  assert.is(state, 'done', await page.$eval('#status', (el) => el.textContent ?? ''));
  return JSON.parse(await page.$eval('#result', (el) => el.textContent ?? '')) as { points: StudyPoint[]; backend: string };
}

/** The same study from the CLI, on the site's MNIST files. */
function cliStudy(study: Study, extra: string[]): StudyPoint[] {
  const out = join(dir, `cli-${study.hidden}-${study.rcount}-${extra.join('-') || 'float64'}`);
  const flags = ['--data-dir', 'site/data/mnist', '--model', `784-${study.hidden}-10`, '--samples', String(study.samples), '--subspace-dim', String(study.dim),
    '--scales', `${study.rmin}:${study.rmax}:${study.rcount}`, '--seed', String(study.seed), '--quiet'];
  const r = spawnSync(process.execPath, ['bin/goldilocks.js', 'zone', ...flags, ...extra, '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  return (JSON.parse(readFileSync(join(out, 'zone.json'), 'utf8')) as { points: StudyPoint[] }).points;
}

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'goldilocks-browser-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts'], { cwd: ROOT, stdio: 'inherit' });
  server = await serveSite(SITE, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-dev-shm-usage'],
  });
});
test.after(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the playground: value, gradient and H·v of a known function are exact, and its programs are printed', async () => {
  const { page, errors } = await open('playground.html');
  // f(x) = Σ x³ + 2·Σ x: ∇f = 3x² + 2, H = diag(6x)
  await page.$eval('#code', (el) => { (el as unknown as { value: string }).value = '(x) => x.pow(3).sum().add(x.mul(2).sum())'; });
  await page.$eval('#x', (el) => { (el as unknown as { value: string }).value = '[1, -2, 0.5]'; });
  await page.$eval('#v', (el) => { (el as unknown as { value: string }).value = '[0, 1, 1]'; });
  await page.click('#run');
  const text = async (id: string): Promise<string> => page.$eval(`#${id}`, (el) => el.textContent ?? '');
  assert.is(await text('error'), '');
  assert.equal(JSON.parse(await text('value')), 1 - 8 + 0.125 + 2 * (1 - 2 + 0.5));
  assert.equal(JSON.parse(await text('gradient')), [3 + 2, 12 + 2, 0.75 + 2]);
  assert.equal(JSON.parse(await text('hvp')), [0, -12, 3]);
  assert.match(await text('jaxpr-grad'), /^\{ lambda .*pow\[exponent=2\]/s);
  assert.match(await text('backend'), /WebAssembly/); // cross-origin isolated: the wasm kernel runs
  // an error in the user's text is shown on the page, not thrown
  await page.$eval('#code', (el) => { (el as unknown as { value: string }).value = '(x) => x'; });
  await page.click('#run');
  assert.match(await text('error'), /must return a scalar/);
  await page.$eval('#code', (el) => { (el as unknown as { value: string }).value = '(x) => x.pow(3).sum().add(x.sin().mul(x).sum())'; });
  await page.click('#run');
  await page.screenshot({ path: join(ROOT, 'docs', 'browser-playground.png'), fullPage: true });
  assert.equal(errors, []);
  await page.close();
});

test('the explorer on the WebAssembly kernel equals `goldilocks zone` on the same seed, bit for bit', async () => {
  const { page, errors } = await open('explorer.html');
  assert.match(await page.$eval('#crossorigin', (el) => el.textContent ?? ''), /is cross-origin isolated/);
  const result = await runExplorer(page, 'wasm', WASM_STUDY);
  assert.match(result.backend, /WebAssembly SIMD/);
  const cli = cliStudy(WASM_STUDY, []);
  assert.is(cli.length, WASM_STUDY.rcount);
  const fields = (points: StudyPoint[]) => points.map((p) => [p.loss, p.traceOverNorm, p.positiveFraction, p.eigenvalues]);
  assert.equal(fields(result.points), fields(cli));
  await page.screenshot({ path: join(ROOT, 'docs', 'browser-explorer.png'), fullPage: true });
  assert.equal(errors, []);
  await page.close();
});

test('the explorer on gpu.js names the engine that ran and agrees with the CLI in float32', async () => {
  const { page, errors } = await open('explorer.html');
  const result = await runExplorer(page, 'gpu', GPU_STUDY);
  // what ran, never a silent CPU fallback passed off as the GPU: here WebGL2 on SwiftShader
  assert.match(result.backend, /^gpu\.js on WebGL2 \(WebGL2Kernel, renderer .*SwiftShader/, result.backend);
  const cli = cliStudy(GPU_STUDY, ['--dtype', 'float32']);
  assert.is(cli.length, GPU_STUDY.rcount);
  // Both run float32 products, in different orders (gpu.js sums in float32, the CLI's kernel in float64 rounded once): with
  // 2⁻²⁴ ≈ 6e-8 relative rounding they differed here by ≤ 1e-7 relative in the loss and ≤ 1e-6 in Tr/‖H‖ (d HVPs and an
  // eigendecomposition later). The bounds are 10× and 100× that; a wrong product, layer or subspace moves both by far more.
  result.points.forEach((p, i) => {
    assert.ok(Math.abs(p.traceOverNorm - cli[i]!.traceOverNorm) < 1e-4, `Tr/‖H‖ at radius ${i}: ${p.traceOverNorm} vs ${cli[i]!.traceOverNorm}`);
    assert.ok(Math.abs(p.loss - cli[i]!.loss) < 1e-6 * Math.abs(cli[i]!.loss), `loss at radius ${i}: ${p.loss} vs ${cli[i]!.loss}`);
    assert.is(p.positiveFraction, cli[i]!.positiveFraction, `positive fraction at radius ${i}`);
  });
  assert.equal(errors, []);
  await page.close();
});

test('without the isolation headers the explorer still runs, on one thread, with the same numbers', async () => {
  const plain = await serveSite(SITE, 0, { isolated: false });
  try {
    const { page, errors } = await open('explorer.html', `http://127.0.0.1:${(plain.address() as AddressInfo).port}`);
    assert.match(await page.$eval('#crossorigin', (el) => el.textContent ?? ''), /is not cross-origin isolated/);
    const result = await runExplorer(page, 'wasm', GPU_STUDY);
    // Chromium creates the kernel's shared memory without isolation too, but no thread may share it
    assert.match(result.backend, /WebAssembly SIMD .*single-threaded/);
    const fields = (points: StudyPoint[]) => points.map((p) => [p.loss, p.traceOverNorm, p.positiveFraction, p.eigenvalues]);
    assert.equal(fields(result.points), fields(cliStudy(GPU_STUDY, [])));
    assert.equal(errors, []);
    await page.close();
  } finally {
    plain.close();
  }
});

test.run();
