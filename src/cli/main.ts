/**
 * The `goldilocks` command-line program.
 *
 * This file only assembles the program; each command lives in its own file,
 * `src/cli/commands/<name>.ts`, which exports
 *
 *   export function register(program: Command): void
 *
 * and adds itself with `program.command('<name>')`. Every such file is found
 * and registered here, in alphabetical order, so adding a command means
 * adding a file and nothing else. (Keep heavy imports, like the plotting
 * stack, inside the command's action with `await import(...)`, so that
 * `goldilocks --help` stays fast.)
 *
 * Errors: commander is told not to exit by itself (`exitOverride`) nor to
 * print its errors (`outputError`); its errors are thrown like any other and
 * runMain (errors.ts) turns every failure into one line and an exit code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { UserError, runMain } from './errors.js';
import { selectBackend } from './common.js';

/** What a file in src/cli/commands/ must export. */
export interface CommandModule {
  register(program: Command): void;
}

const COMMANDS_DIR = new URL('./commands/', import.meta.url);

/** This package's version, from package.json. */
export function goldilocksVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** The command files, e.g. ['info.ts', 'train.ts'], sorted. */
export function commandFiles(): string[] {
  return readdirSync(fileURLToPath(COMMANDS_DIR))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(d|test)\.ts$/.test(f))
    .sort();
}

async function loadCommand(file: string): Promise<CommandModule> {
  const mod = (await import(new URL(file, COMMANDS_DIR).href)) as Partial<CommandModule>;
  if (typeof mod.register !== 'function') {
    throw new Error(`src/cli/commands/${file} must export a function register(program: Command)`);
  }
  return mod as CommandModule;
}

/** A default as a user would type it: `0.01:100:17` for a range, `10,50,100` for a list (commander would show JSON). */
export function readableDefault(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) {
    const { min, max, count } = value as { min?: unknown; max?: unknown; count?: unknown };
    if (typeof min === 'number' && typeof max === 'number') return typeof count === 'number' ? `${min}:${max}:${count}` : `${min}:${max}`;
  }
  return undefined;
}

/** Shows every option's default in --help in the form the option is written. */
function readableDefaults(command: Command): void {
  for (const option of command.options) {
    const text = option.defaultValueDescription === undefined ? readableDefault(option.defaultValue) : undefined;
    if (text !== undefined) option.defaultValueDescription = text;
  }
  for (const sub of command.commands) readableDefaults(sub);
}

/** Options that apply only with another option's value; given without it they are an error, not silently ignored. */
const APPLIES_ONLY: { option: string; applies: (opts: Record<string, unknown>) => boolean; message: string }[] = [
  { option: 'momentum', applies: (o) => o.optimizer === 'sgd', message: '--momentum applies to --optimizer sgd only' },
  { option: 'temperatures', applies: (o) => o.temperatureSweep === true, message: '--temperatures applies with --temperature-sweep only' },
  { option: 'baselineLr', applies: (o) => o.baseline !== false, message: '--baseline-lr does not apply with --no-baseline' },
];

function refuseOptionsThatDoNotApply(command: Command): void {
  const opts = command.opts<Record<string, unknown>>();
  for (const rule of APPLIES_ONLY) {
    if (command.getOptionValueSource(rule.option) === 'cli' && !rule.applies(opts)) throw new UserError(rule.message);
  }
}

/**
 * Option names that were spelled differently in earlier versions, and the
 * one name each idea has now: the multiplier of the initial weights is
 * --init-scale, a subspace dimension --subspace-dim (a list of them
 * --subspace-dims). `logit-model`'s --dim was its number of parameters.
 */
const RENAMED_OPTIONS: Record<string, string> = { '--alpha': '--init-scale', '--scale': '--init-scale', '--dim': '--subspace-dim', '--dims': '--subspace-dims' };
const RENAMED_IN: Record<string, Record<string, string>> = { 'logit-model': { '--dim': '--parameters' } };

/** An old option name is a hidden option that stops with a message naming the new one (exit status 2), not "unknown option". */
function refuseRenamedOptions(command: Command): void {
  const renamed = { ...RENAMED_OPTIONS, ...RENAMED_IN[command.name()] };
  const has = (flag: string): boolean => command.options.some((o) => o.long === flag);
  for (const [old, current] of Object.entries(renamed)) {
    if (has(old) || !has(current)) continue;
    command.addOption(new Option(`${old} <value>`).hideHelp().argParser(() => {
      throw new UserError(`${old} is now called ${current}: write ${current} instead`);
    }));
  }
  for (const sub of command.commands) refuseRenamedOptions(sub);
}

/** Applies the CLI's error handling to a command and all of its subcommands. */
function quietCommanderErrors(command: Command): void {
  command.exitOverride().configureOutput({ outputError: () => {} });
  for (const sub of command.commands) quietCommanderErrors(sub);
}

/** Why a command without --dtype needs float64. */
const FLOAT64_ONLY_REASON: Record<string, string> = {
  critical: ' (a critical point is ‖∇f‖² < 1e-10, below what float32 resolves)',
};

/** Builds the whole program with every command registered. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('goldilocks')
    .description('Automatic differentiation from scratch, neural networks, and the Goldilocks zone of their loss landscapes.')
    .version(goldilocksVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for goldilocks or for a command')
    .showSuggestionAfterError(true);
  for (const file of commandFiles()) (await loadCommand(file)).register(program);
  // Every command with --backend selects it before running, so no command can forget to.
  program.hook('preAction', (_program, command) => {
    const { backend, dtype } = command.opts<{ backend?: string; dtype?: string }>();
    if (backend === 'gpu' && dtype !== 'float32' && command.name() !== 'info') {
      throw new UserError(dtype === undefined
        ? `--backend gpu computes in float32 only, and ${command.name()} computes in float64${FLOAT64_ONLY_REASON[command.name()] ?? ''}; choose --backend wasm, js or reference`
        : `--backend gpu computes in float32 only; add --dtype float32, or choose --backend wasm, js or reference for ${dtype}`);
    }
    if (backend !== undefined) selectBackend(backend);
    refuseOptionsThatDoNotApply(command);
  });
  refuseRenamedOptions(program);
  quietCommanderErrors(program);
  readableDefaults(program);
  return program;
}

/** Parses `argv` (node, script, ...args) and runs the chosen command. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await runMain(async () => {
    const program = await buildProgram();
    await program.parseAsync([...argv]);
  });
}

// Run when executed directly (`tsx src/cli/main.ts ...`); bin/goldilocks.js calls main() itself.
// (Not a top-level await: command files may import from this module, and
// would wait forever for a module that is still evaluating.)
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) void main();
