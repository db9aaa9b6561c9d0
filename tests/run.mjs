#!/usr/bin/env node
/**
 * `npm test`: every tests/*.test.ts file, in two uvu processes at once (the
 * machine has two cores, and most of the slow tests wait on a child
 * `goldilocks` process), then one summary in uvu's own format.
 *
 * The files are split into two groups of about equal cost: the slow ones are
 * named below with a rough cost in seconds, every other file counts 3, and
 * each file goes to the group with less so far. Each group's output is
 * printed whole, one after the other, so a failure reads as it would from a
 * single uvu run. `GOLDILOCKS_TEST_JOBS=1` runs everything in one process;
 * a regex argument (as for uvu) selects files. c8 collects coverage from
 * both processes.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const UVU = join(ROOT, 'node_modules', 'uvu', 'bin.js');

/** Rough wall-clock seconds of the slow files on this kind of machine; the rest count 3. */
const COST = {
  'package.test.ts': 60,
  'cli-reproduce.test.ts': 60,
  'cli-harness.test.ts': 40,
  'science-cli.test.ts': 40,
  'course.test.ts': 30,
  'tutorials.test.ts': 25,
  'cli-spectrum-critical.test.ts': 25,
  'cli-subspace.test.ts': 20,
  'cli-infra.test.ts': 15,
  'cli-train.test.ts': 15,
  'science-train.test.ts': 10,
  'critical.test.ts': 10,
};

const pattern = new RegExp(process.argv[2] ?? '\\.test\\.ts$');
const files = readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.test.ts') && pattern.test(f)).sort();
const jobs = Math.max(1, Number(process.env.GOLDILOCKS_TEST_JOBS ?? 2));
const groups = Array.from({ length: Math.min(jobs, files.length) }, () => ({ files: [], cost: 0 }));
for (const f of [...files].sort((a, b) => (COST[b] ?? 3) - (COST[a] ?? 3))) {
  const lightest = groups.reduce((best, g) => (g.cost < best.cost ? g : best));
  lightest.files.push(f);
  lightest.cost += COST[f] ?? 3;
}

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs uvu on one group; resolves with its exit code and its whole output. */
function runGroup(group) {
  return new Promise((resolve) => {
    const regex = `^(${group.files.map(escape).join('|')})$`;
    const child = spawn(process.execPath, ['--import', 'tsx', UVU, 'tests', regex, '--no-color'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const results = await Promise.all(groups.map(runGroup));
const totals = { Total: 0, Passed: 0, Skipped: 0 };
for (const { output } of results) {
  // uvu's own summary lines end each group's output; the combined one is printed instead
  const summaryAt = output.search(/\n\s*Total:\s+\d+/);
  process.stdout.write(summaryAt >= 0 ? output.slice(0, summaryAt) + '\n' : output);
  for (const key of Object.keys(totals)) {
    const m = output.match(new RegExp(`${key}:\\s+(\\d+)`));
    if (m) totals[key] += Number(m[1]);
  }
}
const failed = results.some((r) => r.code !== 0);
process.stdout.write(`\n  Total:     ${totals.Total}\n  Passed:    ${totals.Passed}\n  Skipped:   ${totals.Skipped}\n  Duration:  ${Date.now() - started}ms (${groups.length} processes)\n\n`);
if (failed && totals.Passed === totals.Total) process.stdout.write('a test process failed outside its tests (see its output above)\n');
process.exit(failed ? 1 : 0);
