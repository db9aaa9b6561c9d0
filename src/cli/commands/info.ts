/**
 * `goldilocks info`: what this installation is and what it runs on.
 *
 * Prints the versions (goldilocks, Node, the main libraries), the machine
 * (platform, CPU cores, memory) and the compute backends, marking the one in
 * use and saying what it actually runs. For the gpu backend that is the
 * gpu.js engine a probe kernel really ran on (gpu, webgl, headlessgl,
 * webasm or its cpu fallback), so a silent fallback shows. Meant to be pasted into bug reports
 * and to sit at the top of benchmark logs; `--json` gives the same as JSON.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { availableBackends, describeBackend, getBackend } from '../../autodiff/index.js';
import { goldilocksVersion } from '../main.js';

export interface Info {
  goldilocks: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  libraries: Record<string, string>;
  backend: { current: string; describe: string; available: string[] };
  /** The gpu backend: the gpu.js engine that runs its kernels, or why it cannot run. */
  gpu: string;
}

const LIBRARIES = ['commander', 'vega', 'vega-lite', '@resvg/resvg-js', 'cli-progress', 'ml-matrix', 'gpu.js'];

const requireFromHere = createRequire(import.meta.url);

/**
 * A dependency's installed version, read from its package.json (found by
 * walking up from its entry point, since some packages don't export it).
 */
function packageVersion(name: string): string {
  try {
    let dir = dirname(requireFromHere.resolve(name));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {
        // no package.json here: keep walking up
      }
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'not installed';
  }
}

export function collectInfo(): Info {
  const backend = getBackend();
  return {
    goldilocks: goldilocksVersion(),
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    libraries: Object.fromEntries(LIBRARIES.map((name) => [name, packageVersion(name)])),
    backend: { current: backend.name, describe: backend.describe(), available: availableBackends() },
    gpu: availableBackends().includes('gpu') ? describeBackend('gpu') : 'not registered',
  };
}

export function formatInfo(info: Info): string {
  const width = Math.max(...Object.keys(info.libraries).map((n) => n.length));
  const lines = [
    `goldilocks ${info.goldilocks}`,
    `node       ${info.node} (${info.platform})`,
    `cpu        ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB memory`,
    `backend    ${info.backend.current}: ${info.backend.describe}`,
    `backends   ${info.backend.available.map((b) => (b === info.backend.current ? `${b} (current)` : b)).join(', ')}`,
    `gpu        ${info.gpu}`,
    'libraries',
    ...Object.entries(info.libraries).map(([name, version]) => `  ${name.padEnd(width)}  ${version}`),
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('info')
    .description('print versions, the machine, and the available compute backends')
    .option('--backend <name>', 'mark this backend as the current one (see any command\'s --help)')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const info = collectInfo();
      process.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatInfo(info)}\n`);
    });
}
