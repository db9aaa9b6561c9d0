/**
 * The run harness every command that writes results goes through.
 *
 *   addOutputOptions(cmd, 'runs/zone', { sweep: true });   // --out --resume --force --json [--shard]
 *   const run = startRun('zone', flags);                   // before any computation
 *   const points = await run.sweep('scale', scales, (s) => measure(s));
 *   if (run.shard) return run.finishShard();
 *   writeJson(run.file('zone.json'), { ...report, provenance: run.provenance(config, flags.dtype) });
 *   run.finish(report, 'human summary');
 *
 * startRun prepares the output directory (run-directory.ts: no clobbering,
 * a lock, writability checked at once) and opens the journal (journal.ts).
 * `sweep` computes the units of work one at a time, keeps each in the journal
 * as it finishes, takes the ones a previous run finished from there with
 * --resume, and with --shard i/n computes only units i, i + n, i + 2n, …
 * (counting from 1), so n shards together do exactly the units of the whole
 * sweep, with the same seeds; `goldilocks merge` joins them.
 *
 * Ctrl-C during a sweep stops at the end of the unit in progress (that unit
 * is kept), restores the terminal, says how to resume, and exits with 130.
 * `finish` prints the main result as JSON on stdout with --json (the human
 * summary then goes to stderr), or the summary on stdout.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { Interrupted, UserError, type OptionParser } from './errors.js';
import { Journal } from './journal.js';
import { makeProvenance, type Provenance } from './provenance.js';
import { prepareRunDirectory, type RunDirectory } from './run-directory.js';

/** Shard `index` (1 ≤ index ≤ count) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface OutputFlags {
  out: string;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  shard?: Shard;
  quiet?: boolean;
}

/** Options about where and how results are written, not what they are: left out of the settings --resume compares. */
export const OUTPUT_OPTIONS = ['out', 'resume', 'force', 'json', 'quiet'] as const;

/** `i/n`, e.g. `2/3`: the second of three shards. */
export const parseShard: OptionParser<Shard> = (value) => {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index >= 1 && index <= count)) {
    throw new UserError(`--shard must be I/N with 1 <= I <= N (e.g. 2/3 for the second of three shards); got ${JSON.stringify(value)}`);
  }
  return { index, count };
};

/** --out, --resume, --force, --json, and for sweeps --shard. */
export function addOutputOptions(cmd: Command, defaultOut: string | undefined, options: { sweep?: boolean; outHelp?: string } = {}): Command {
  cmd
    .option('--out <dir>', options.outHelp ?? 'output directory', defaultOut)
    .option('--resume', 'continue the interrupted run in --out (same settings), computing only what is missing')
    .option('--force', 'replace the previous run in --out (its files are removed first)')
    .option('--json', 'print the main result as JSON on stdout (messages go to stderr)');
  if (options.sweep) cmd.option('--shard <i/n>', 'compute only shard i of n of the sweep (join the shards with goldilocks merge)', parseShard);
  return cmd;
}

/** The settings that decide a run's results: its options without the output ones. */
export function runSettings(flags: object): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (!(OUTPUT_OPTIONS as readonly string[]).includes(key) && value !== undefined) settings[key] = value;
  }
  return JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
}

/** Quotes an argument for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The command line that continues this run: the same one, with --resume instead of --force. */
export function resumeCommand(argv: readonly string[] = process.argv.slice(2)): string {
  const kept = argv.filter((a) => a !== '--force' && a !== '--resume');
  return ['goldilocks', ...kept, '--resume'].map(shellWord).join(' ');
}

export interface StartOptions {
  /** The same settings continue without --resume (reproduce). */
  sameSettingsResumes?: boolean;
}

export class Run {
  readonly started = new Date();
  readonly journal: Journal;
  readonly shard: Shard | null;
  private interrupted = false;
  private catchingInterrupts = false;

  constructor(
    readonly command: string,
    private readonly directory: RunDirectory,
    private readonly flags: OutputFlags,
  ) {
    this.shard = flags.shard ?? null;
    this.journal = directory.resumed ? Journal.read(directory.path) : new Journal(directory.path);
  }

  /** The absolute output directory. */
  get dir(): string {
    return this.directory.path;
  }

  get resumed(): boolean {
    return this.directory.resumed;
  }

  /** A path in the output directory. */
  file(name: string): string {
    return join(this.directory.path, name);
  }

  /** Whether unit `index` (from 0) of a sweep belongs to this shard. */
  inShard(index: number): boolean {
    return this.shard === null || index % this.shard.count === this.shard.index - 1;
  }

  /**
   * Computes the units of a sweep in order, each kept in the journal as it
   * finishes (see the file's header). Returns every unit's value, as read
   * back from JSON; for a shard, only its own units' values, in order.
   * `onUnit` is told of each unit (done = how many this call has finished,
   * from the journal or computed).
   */
  async sweep<I, T>(name: string, items: readonly I[], compute: (item: I, index: number) => T | Promise<T>, onUnit?: (value: T, index: number, cached: boolean) => void): Promise<T[]> {
    const values: T[] = [];
    const onSigint = this.sigintHandler('stopping after the unit in progress');
    process.on('SIGINT', onSigint);
    try {
      for (let i = 0; i < items.length; i++) {
        if (!this.inShard(i)) continue;
        const key = `${name}:${i}`;
        const cached = this.journal.has(key);
        const value = cached ? this.journal.get<T>(key)! : this.journal.record(key, await compute(items[i]!, i));
        values.push(value);
        onUnit?.(value, i, cached);
        // let a Ctrl-C that arrived during the unit be seen
        if (!cached) await new Promise((resolve) => setImmediate(resolve));
        if (this.interrupted && i + 1 < items.length) {
          throw new Interrupted(`interrupted after ${this.journal.size} finished unit(s), kept in ${this.file('journal.json')}; continue with: ${resumeCommand()}`);
        }
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    return values;
  }

  /**
   * A clean place to stop, for commands whose work is not a sweep (track's
   * training loop): call it right after the state needed to continue has
   * been saved. From the first call on, Ctrl-C is caught; at the next call
   * after it, the run stops with Interrupted (exit 130) and how to resume.
   */
  async interruptionPoint(what: string): Promise<void> {
    if (!this.catchingInterrupts) {
      this.catchingInterrupts = true;
      process.on('SIGINT', this.sigintHandler('stopping at the next saved state'));
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (this.interrupted) throw new Interrupted(`interrupted; ${what} is kept in ${this.dir}; continue with: ${resumeCommand()}`);
  }

  /**
   * Ctrl-C during a run: the first marks the run interrupted (it stops at the
   * next clean place, saying `stopping`), a second stops at once with exit 130
   * and how to resume.
   */
  private sigintHandler(stopping: string): () => void {
    return () => {
      if (this.interrupted) {
        restoreTerminal();
        process.stderr.write(`goldilocks: interrupted; continue with: ${resumeCommand()}\n`);
        process.exit(130);
      }
      this.interrupted = true;
      process.stderr.write(`\ngoldilocks: ${stopping} (Ctrl-C again to stop at once)\n`);
    };
  }

  /** The provenance block of a result file, with the configuration that applies to this run. */
  provenance(config: Record<string, unknown>, dtype: string | null = null): Provenance {
    return makeProvenance(this.command, this.started, config, dtype);
  }

  /** Ends the run: the main result on stdout with --json, else the human summary. */
  finish(result: unknown, summary: string): void {
    this.directory.markFinished();
    this.directory.release();
    if (this.flags.json) {
      if (summary && !this.flags.quiet) process.stderr.write(`${summary}\n`);
      process.stdout.write(`${JSON.stringify(result, jsonReplacer)}\n`);
    } else if (summary) {
      process.stdout.write(`${summary}\n`);
    }
  }

  /** Ends a shard: its units are in the journal, for `goldilocks merge`. */
  finishShard(): void {
    const { index, count } = this.shard!;
    this.finish({ command: this.command, shard: `${index}/${count}`, units: this.journal.size, dir: this.dir },
      `shard ${index}/${count}: ${this.journal.size} unit(s) in ${this.file('journal.json')}; join the shards with: goldilocks merge DIR... --out DIR`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Shows the cursor and turns line wrapping back on (a progress bar may have changed them). */
export function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\x1b[?7h\n');
}

/** Prepares the output directory and opens the journal; call it before any computation. */
export function startRun<F extends OutputFlags>(command: string, flags: F, options: StartOptions = {}): Run {
  if (flags.resume && flags.force) throw new UserError('--resume and --force contradict each other: continue the run in --out, or replace it');
  const directory = prepareRunDirectory({
    out: flags.out, command, settings: runSettings(flags), resume: Boolean(flags.resume), force: Boolean(flags.force),
    sameSettingsResumes: options.sameSettingsResumes,
  });
  return new Run(command, directory, flags);
}
