/**
 * `goldilocks merge`: join the shards of a sweep into the result of the
 * whole sweep.
 *
 *   goldilocks zone --scales 0.01:100:17 --shard 1/3 --out runs/zone-1   (on three machines,
 *   goldilocks zone --scales 0.01:100:17 --shard 2/3 --out runs/zone-2    or as a Slurm job
 *   goldilocks zone --scales 0.01:100:17 --shard 3/3 --out runs/zone-3    array)
 *   goldilocks merge runs/zone-1 runs/zone-2 runs/zone-3 --out runs/zone
 *
 * Checks that the directories hold finished shards 1..n of one command with
 * the same settings, joins their journals into --out, and then runs that
 * command, unsharded, with --resume into --out: every unit is in the joined
 * journal, so nothing is computed again and the command only writes its
 * results (files, zone bounds, plots), exactly as the unsharded run does.
 */
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { addOutputOptions, type OutputFlags } from '../harness.js';
import { Journal, readJournalUnits } from '../journal.js';
import { differingSettings, prepareRunDirectory, readRunRecord, type RunRecord } from '../run-directory.js';

type MergeOptions = OutputFlags;

/** The shards' common command line, without the options about shard and output. */
export function unshardedArgv(argv: readonly string[]): string[] {
  const withValue = new Set(['--shard', '--out']);
  const alone = new Set(['--resume', '--force', '--json']);
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (withValue.has(arg)) {
      i++;
      continue;
    }
    if (alone.has(arg) || [...withValue].some((flag) => arg.startsWith(`${flag}=`))) continue;
    kept.push(arg);
  }
  return kept;
}

function readShards(dirs: readonly string[]): { record: RunRecord; units: Record<string, unknown> } {
  const shards = dirs.map((dir) => {
    const record = readRunRecord(dir);
    if (record === undefined) throw new UserError(`merge: ${dir} holds no goldilocks run`);
    const shard = record.settings.shard as { index: number; count: number } | undefined;
    if (shard === undefined) throw new UserError(`merge: ${dir} holds a whole ${record.command} run, not a shard (--shard i/n)`);
    if (!record.finished) throw new UserError(`merge: shard ${shard.index}/${shard.count} in ${dir} is unfinished; continue it with --resume first`);
    return { dir, record, shard };
  });
  const first = shards[0]!;
  const { shard: _shard, ...settings } = first.record.settings;
  for (const s of shards.slice(1)) {
    const { shard: _other, ...other } = s.record.settings;
    const differences = s.record.command === first.record.command ? differingSettings(settings, other) : ['command'];
    if (differences.length > 0) throw new UserError(`merge: ${s.dir} and ${first.dir} are shards of different runs (they differ in ${differences.join(', ')})`);
  }
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    if (s.shard.count !== count) throw new UserError(`merge: ${s.dir} is shard ${s.shard.index}/${s.shard.count}, but ${first.dir} is one of ${count}`);
    if (seen.has(s.shard.index)) throw new UserError(`merge: shard ${s.shard.index}/${count} is given twice (${seen.get(s.shard.index)} and ${s.dir})`);
    seen.set(s.shard.index, s.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UserError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  const units = Object.assign({}, ...shards.map((s) => readJournalUnits(s.dir))) as Record<string, unknown>;
  return { record: { ...first.record, settings }, units };
}

function runMerge(dirs: string[], options: MergeOptions): void {
  const { record, units } = readShards(dirs);
  const directory = prepareRunDirectory({ out: options.out, command: record.command, settings: record.settings, resume: false, force: Boolean(options.force) });
  new Journal(directory.path, units).save();
  directory.release();
  const args = [...unshardedArgv(record.argv), '--out', directory.path, '--resume', ...(options.json ? ['--json'] : []), ...(options.quiet ? ['--quiet'] : [])];
  if (!options.quiet) process.stderr.write(`merge: ${Object.keys(units).length} units from ${dirs.length} shards; goldilocks ${args.join(' ')}\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { stdio: 'inherit' });
  if (child.status !== 0) throw new UserError(`merge: goldilocks ${args.join(' ')} failed with exit status ${child.status ?? child.signal}`);
}

export function register(program: Command): void {
  const command = program
    .command('merge')
    .description('join the shards of a sweep (--shard i/n directories) into the result of the whole sweep')
    .argument('<dirs...>', 'the shard directories, one per shard')
    .option('--quiet', 'no progress output');
  addOutputOptions(command, undefined, { outHelp: 'output directory of the merged result (required)' })
    .action((dirs: string[], options: MergeOptions) => {
      if (options.out === undefined) throw new UserError('merge: --out DIR is required');
      if (options.resume) throw new UserError('merge: --resume does not apply; merging again is cheap (use --force to replace a merged result)');
      runMerge(dirs, options);
    });
}
