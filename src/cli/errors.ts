/**
 * How the CLI fails: loudly, in one line, with an exit code a script can act on.
 *
 * Two kinds of failure are kept apart:
 *   - a UserError is the user's to fix (a bad flag value, a missing file, a run
 *     whose loss became NaN). It prints `goldilocks: <message>` and exits 2.
 *   - anything else is a bug or an accident of the machine. It prints
 *     `goldilocks: unexpected error: <message>` and exits 1; the stack trace is
 *     shown only with GOLDILOCKS_DEBUG=1, so users see a sentence, not a dump.
 *
 * Commander's own complaints (unknown option, missing argument) arrive as
 * CommanderErrors because main.ts calls `.exitOverride()`; they are user
 * errors too and end the same way.
 *
 * The option parsers below are made for commander's `.option(flags, help,
 * parser)`: each takes the flag's name (for the message) and its limits, and
 * returns `(value: string) => T`, which throws a UserError naming the flag,
 * the value given, and what would have been accepted.
 */
import { CommanderError } from 'commander';

/** A failure the user can fix; its message is shown as is, without a stack. */
export class UserError extends Error {
  override name = 'UserError';
}

/**
 * A run stopped by Ctrl-C at a clean point: what finished is kept, and the
 * message says how to continue. Exits with 130, as a shell reports SIGINT.
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Exit code of a failure that the user can fix (bad flags included). */
export const EXIT_USER_ERROR = 2;
/** Exit code of a bug or an unexpected condition. */
export const EXIT_UNEXPECTED = 1;

/** What runMain prints and returns for a thrown value. Pure, so it is testable. */
export interface FailureReport {
  /** The one line printed to stderr (without the trailing newline); empty for none. */
  message: string;
  exitCode: number;
  /** A stack trace to print after the message (only in debug mode). */
  stack?: string;
}

/** Commander codes that are not failures but a finished --help or --version. */
const COMMANDER_DONE = new Set(['commander.helpDisplayed', 'commander.version']);

/** Node system errors about files and disks (a missing file, a directory given for a file, a full disk): the user's to fix. */
const FILE_ERROR_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EROFS']);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Decides how a thrown value is reported. */
export function describeFailure(err: unknown, debug = false): FailureReport {
  if (err instanceof CommanderError) {
    if (COMMANDER_DONE.has(err.code)) return { message: '', exitCode: err.exitCode };
    // Help was printed: asked for (`goldilocks help info`, exit 0), or shown
    // on stderr because no command was given (a usage error).
    if (err.code === 'commander.help') return { message: '', exitCode: err.exitCode === 0 ? 0 : EXIT_USER_ERROR };
    const text = oneLine(err.message.replace(/^error:\s*/, ''));
    return { message: `goldilocks: ${text} (see --help)`, exitCode: EXIT_USER_ERROR };
  }
  const withStack = (report: FailureReport, e: Error): FailureReport =>
    debug && e.stack ? { ...report, stack: e.stack } : report;
  if (err instanceof Interrupted) return { message: `goldilocks: ${oneLine(err.message)}`, exitCode: EXIT_INTERRUPTED };
  if (err instanceof UserError) {
    return withStack({ message: `goldilocks: ${oneLine(err.message)}`, exitCode: EXIT_USER_ERROR }, err);
  }
  if (err instanceof Error) {
    const code = errorCode(err);
    if (code !== undefined && FILE_ERROR_CODES.has(code)) {
      return withStack({ message: `goldilocks: ${oneLine(err.message)}`, exitCode: EXIT_USER_ERROR }, err);
    }
    const hint = debug ? '' : ' (set GOLDILOCKS_DEBUG=1 for a stack trace)';
    return withStack({ message: `goldilocks: unexpected error: ${oneLine(err.message)}${hint}`, exitCode: EXIT_UNEXPECTED }, err);
  }
  return { message: `goldilocks: unexpected error: ${oneLine(String(err))}`, exitCode: EXIT_UNEXPECTED };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs the CLI's body. On success the process ends by itself (so buffered
 * output is never cut off). On failure prints the one-line report and exits
 * at once with its code, even if timers or workers are still alive.
 */
export async function runMain(fn: () => Promise<unknown> | unknown): Promise<void> {
  // `goldilocks ... | head` closes stdout early: that is not an error.
  process.stdout.on('error', (e: unknown) => {
    if (errorCode(e) === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await fn();
  } catch (err) {
    const report = describeFailure(err, process.env.GOLDILOCKS_DEBUG === '1');
    // A progress bar may be half-drawn on the current terminal line: clear it,
    // and show the cursor and wrap lines again.
    const clear = process.stderr.isTTY ? '\r\x1b[K\x1b[?25h\x1b[?7h' : '';
    if (report.message) process.stderr.write(`${clear}${report.message}\n`);
    if (report.stack) process.stderr.write(`${report.stack}\n`);
    process.exit(report.exitCode);
  }
}

// ---------------------------------------------------------------------------
// Option parsers for commander

/** A commander option parser: turns the raw string into a checked value. */
export type OptionParser<T> = (value: string) => T;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(value: string): number | undefined {
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : undefined;
}

function boundsText(min: number | undefined, max: number | undefined, minSign = '>=', maxSign = '<='): string {
  if (min !== undefined && max !== undefined) return ` ${minSign} ${min} and ${maxSign} ${max}`;
  if (min !== undefined) return ` ${minSign} ${min}`;
  if (max !== undefined) return ` ${maxSign} ${max}`;
  return '';
}

/** An integer in [min, max] (each bound optional). Accepts `1000` and `1e3`. */
export function parseIntOption(flag: string, min?: number, max?: number): OptionParser<number> {
  return (value) => {
    const n = parseNumber(value);
    const ok = n !== undefined && Number.isSafeInteger(n) && (min === undefined || n >= min) && (max === undefined || n <= max);
    if (!ok) throw new UserError(`${flag} must be an integer${boundsText(min, max)}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export interface FloatBounds {
  min?: number;
  max?: number;
  /** Exclude min itself (e.g. a learning rate must be > 0). */
  exclusiveMin?: boolean;
  /** Exclude max itself. */
  exclusiveMax?: boolean;
}

/** A finite decimal number within the bounds (e.g. `0.1`, `1e-3`). */
export function parseFloatOption(flag: string, bounds: FloatBounds = {}): OptionParser<number> {
  const { min, max, exclusiveMin = false, exclusiveMax = false } = bounds;
  return (value) => {
    const n = parseNumber(value);
    const ok =
      n !== undefined &&
      Number.isFinite(n) &&
      (min === undefined || (exclusiveMin ? n > min : n >= min)) &&
      (max === undefined || (exclusiveMax ? n < max : n <= max));
    if (!ok) {
      const limits = boundsText(min, max, exclusiveMin ? '>' : '>=', exclusiveMax ? '<' : '<=');
      throw new UserError(`${flag} must be a number${limits}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** One of a fixed set of words; the type is narrowed to that set. */
export function parseChoice<T extends string>(flag: string, allowed: readonly T[]): OptionParser<T> {
  return (value) => {
    const found = allowed.find((a) => a === value);
    if (found === undefined) throw new UserError(`${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
    return found;
  };
}

/** A grid of `count` values from `min` to `max`, written MIN:MAX:COUNT. */
export interface Range {
  min: number;
  max: number;
  count: number;
}

/**
 * Parses `MIN:MAX:COUNT`, e.g. `--scales 0.1:10:25`. Requires min < max and
 * an integer count >= 2; by default both ends must be > 0 (scales, learning
 * rates, anything spaced on a log axis); pass `{ positive: false }` for
 * ranges that may cross zero (e.g. an interpolation coefficient -1:2:61).
 * With `{ single: true }` one number X is also accepted, as the one-point
 * grid { min: X, max: X, count: 1 } (e.g. one radius of a sweep).
 */
export function parseRange(flag: string, options: { positive?: boolean; single?: boolean } = {}): OptionParser<Range> {
  const positive = options.positive ?? true;
  return (value) => {
    const one = options.single && !value.includes(':') ? parseNumber(value) : undefined;
    if (one !== undefined && Number.isFinite(one) && (!positive || one > 0)) return { min: one, max: one, count: 1 };
    const fail = (why: string): never => {
      const orOne = options.single ? `, or one number${positive ? ' > 0' : ''}` : '';
      throw new UserError(`${flag} must be MIN:MAX:COUNT${positive ? ' with 0 < MIN < MAX' : ' with MIN < MAX'} and an integer COUNT >= 2 (e.g. 0.1:10:25)${orOne}; got ${JSON.stringify(value)}: ${why}`);
    };
    const parts = value.split(':');
    if (parts.length !== 3) return fail('expected three numbers separated by ":"');
    const [min, max, count] = parts.map(parseNumber);
    if (min === undefined || max === undefined || count === undefined) return fail('not a number');
    if (!Number.isFinite(min) || !Number.isFinite(max)) return fail('not finite');
    if (positive && min <= 0) return fail('MIN must be > 0');
    if (!(min < max)) return fail('MIN must be less than MAX');
    if (!Number.isSafeInteger(count) || count < 2) return fail('COUNT must be an integer >= 2');
    return { min, max, count };
  };
}

/**
 * Layer widths of a multilayer perceptron, input to output, written with
 * dashes: `784-200-200-10` → [784, 200, 200, 10]. At least two positive integers.
 */
export function parseWidthList(flag: string): OptionParser<number[]> {
  return (value) => {
    const parts = value.trim().split('-');
    const widths = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
    if (parts.length < 2 || widths.some((w) => !Number.isSafeInteger(w) || w < 1)) {
      throw new UserError(`${flag} must be layer widths joined by "-", at least two positive integers (e.g. 784-200-200-10); got ${JSON.stringify(value)}`);
    }
    return widths;
  };
}
