/**
 * `goldilocks reproduce`: regenerate a finding of the papers with one command.
 *
 *   goldilocks reproduce --list
 *   goldilocks reproduce zone-shape                    (the papers' settings; minutes to hours)
 *   goldilocks reproduce dlae-critical --quick         (a small variant; seconds)
 *
 * Each reproduction (src/cli/reproductions.ts) is a list of ordinary
 * `goldilocks` commands. They run one after another as child processes of
 * this same program, each into `<out>/<step>`; a step whose result file is
 * already there is not run again, and a step that was interrupted is given
 * --resume, so an interrupted reproduction continues where it stopped when
 * the same command is given again (other settings into the same --out are
 * refused; --force starts again). Then the finding is
 * checked on the numbers the steps wrote, and `<out>/summary.json` records
 * the published claim, the numbers, the checks and the exact commands.
 *
 * Exit status: 0 when every check holds, 3 when a step ran but a check does
 * not hold (the finding did not reproduce), 2 for a user mistake.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { writeJson } from '../output.js';
import { savePlot } from '../plot.js';
import { addOutputOptions, startRun, type OutputFlags } from '../harness.js';
import { REPRODUCTIONS, type Reproduction, type ReproductionStep } from '../reproductions.js';

interface ReproduceOptions extends Omit<OutputFlags, 'out'> {
  list?: boolean;
  quick?: boolean;
  out?: string;
}

function findReproduction(name: string | undefined): Reproduction {
  const names = REPRODUCTIONS.map((r) => r.name).join(', ');
  if (name === undefined) throw new UserError(`reproduce: name a reproduction (${names}), or --list`);
  const found = REPRODUCTIONS.find((r) => r.name === name);
  if (found === undefined) throw new UserError(`reproduce: unknown reproduction "${name}"; known: ${names}`);
  return found;
}

function listReproductions(): void {
  for (const r of REPRODUCTIONS) {
    process.stdout.write(`${r.name}\n  ${r.title}\n  ${r.source}: ${r.published}\n`);
    for (const step of r.steps) process.stdout.write(`    goldilocks ${step.args.join(' ')}\n`);
  }
}

/** Runs one step as `goldilocks <args> --out <dir>` in a child process of this same program. */
function runStep(step: ReproductionStep, dir: string, quiet: boolean): void {
  if (existsSync(join(dir, step.result))) {
    if (!quiet) process.stderr.write(`reproduce: ${step.name} is done already (${join(dir, step.result)})\n`);
    return;
  }
  // a step directory with files but no result is an interrupted step: continue it
  const interrupted = existsSync(dir) && readdirSync(dir).length > 0;
  const args = [...step.args, '--out', dir, ...(interrupted ? ['--resume'] : []), ...(quiet ? ['--quiet'] : [])];
  if (!quiet) process.stderr.write(`reproduce: goldilocks ${args.join(' ')}\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
  if (child.status !== 0) {
    throw new UserError(`reproduce: step ${step.name} (goldilocks ${args.join(' ')}) failed with exit status ${child.status ?? child.signal}`);
  }
}

async function runReproduction(name: string | undefined, options: ReproduceOptions): Promise<void> {
  if (options.list) {
    listReproductions();
    return;
  }
  const reproduction = findReproduction(name);
  const steps = options.quick ? reproduction.quick : reproduction.steps;
  const run = startRun('reproduce', {
    ...options, reproduction: reproduction.name, out: options.out ?? join('runs', 'reproduce', `${reproduction.name}${options.quick ? '-quick' : ''}`),
  }, { sameSettingsResumes: true });
  const out = run.dir;
  const started = Date.now();
  for (const step of steps) runStep(step, join(out, step.name), Boolean(options.quiet));
  const summary = reproduction.summarize((step) => join(out, step));
  const full = {
    reproduction: reproduction.name,
    title: reproduction.title,
    source: reproduction.source,
    published: reproduction.published,
    variant: options.quick ? 'quick' : 'full',
    commands: steps.map((s) => `goldilocks ${s.args.join(' ')} --out ${join(out, s.name)}`),
    seconds: (Date.now() - started) / 1000,
    ...summary,
    provenance: run.provenance({ reproduction: reproduction.name, variant: options.quick ? 'quick' : 'full' }),
  };
  writeJson(join(out, 'summary.json'), full);
  for (const figure of reproduction.figures?.((step) => join(out, step)) ?? []) await savePlot(join(out, figure.name), figure.spec, { png: true });
  run.finish(full, [...summary.checks.map((c) => `${c.holds ? 'holds' : 'FAILS'}: ${c.claim} (${c.detail})`), `wrote ${join(out, 'summary.json')}`].join('\n'));
  if (!summary.checks.every((c) => c.holds)) process.exitCode = 3;
}

export function register(program: Command): void {
  const command = program
    .command('reproduce')
    .description("regenerate a finding of the papers: run its commands, then check the finding's direction on their results")
    .argument('[name]', 'which reproduction (see --list)')
    .option('--list', 'list the reproductions, with the claims and commands')
    .option('--quick', 'a small variant of the same commands (seconds), as the tests run it')
    .option('--quiet', 'no progress output');
  addOutputOptions(command, undefined, { outHelp: 'output directory (default: runs/reproduce/<name>)' })
    .action((name: string | undefined, options: ReproduceOptions) => runReproduction(name, options));
}
