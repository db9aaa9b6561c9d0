/**
 * Startup of the `goldilocks` command (bin/goldilocks.js, running the build
 * in dist/): `goldilocks --version`, answered from package.json, and
 * `goldilocks --help`, which loads the whole CLI (every command registers
 * itself) and runs nothing, so its time is what any command pays before it
 * starts; next to Node starting and doing nothing (`node -e 0`), the floor
 * any Node program pays.
 *
 *   npx tsx bench/startup.ts [runs]      (default 15 runs of each, interleaved)
 *
 * Goal: `goldilocks --version` ≤ 0.3 s and ≤ 4× `node -e 0`. Builds dist/
 * first when it is missing (`npm run build`). Reports the median and the
 * fastest run of each (wall clock), and the median CPU time (user + system)
 * of the child, which the machine's other load disturbs less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 15);
const DIST_MAIN = 'dist/cli/main.js';

if (!existsSync(`${ROOT}/${DIST_MAIN}`)) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

interface Case { name: string; args: string[] }
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'goldilocks --version', args: ['bin/goldilocks.js', '--version'] },
  { name: 'goldilocks --help', args: ['bin/goldilocks.js', '--help'] },
  // dist/ directly, without bin's check for sources newer than the build
  { name: 'node dist/cli/main.js --help', args: [DIST_MAIN, '--help'] },
];

const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const cpu = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const started = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...c.args], { cwd: ROOT, encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`${c.name} failed: ${r.stderr}`);
    const [user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    wall.get(c.name)!.push(seconds);
    cpu.get(c.name)!.push(user! + system!);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const floor = median(wall.get('node -e 0')!);
console.log(`goldilocks startup — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model.trim()}, ${cpus().length} cores, Node ${process.versions.node}, load average ${loadavg()[0]!.toFixed(2)}, ${runs} runs each\n`);
console.log('command                      median s  fastest s  × node -e 0  median CPU s');
console.log('---------------------------  --------  ---------  -----------  ------------');
for (const c of cases) {
  const w = wall.get(c.name)!;
  console.log(`${c.name.padEnd(27)}  ${median(w).toFixed(3).padStart(8)}  ${Math.min(...w).toFixed(3).padStart(9)}  ${(median(w) / floor).toFixed(1).padStart(11)}  ${median(cpu.get(c.name)!).toFixed(2).padStart(12)}`);
}
const version = median(wall.get('goldilocks --version')!);
console.log(`\ngoal: goldilocks --version ≤ 0.3 s and ≤ 4× node -e 0: ${version <= 0.3 && version <= 4 * floor ? 'met' : 'not met'} (${version.toFixed(3)} s, ${(version / floor).toFixed(1)}×)`);
