/**
 * Progress reporting for long runs, on stderr so stdout stays clean for results.
 *
 * On a terminal it is a live cli-progress bar:
 *
 *   train [██████████░░░░░░░░░░] 50% | 3000/6000 | ETA 12s | epoch=2 loss=0.3127 accuracy=0.9104
 *
 * When stderr is not a terminal (a log file, CI, a pipe) a redrawn bar would
 * be noise and cli-progress would print nothing at all, so instead one plain
 * line is printed at most every `intervalMs` (and at the end):
 *
 *   train: 50% (3000/6000) ETA 12s epoch=2 loss=0.3127 accuracy=0.9104
 *
 * `quiet: true` silences both. `log()` prints a message without garbling a
 * bar that is on screen.
 */
import cliProgress from 'cli-progress';

/** Extra values shown after the bar, e.g. { epoch: 2, loss: 0.3127 }. */
export type ProgressFields = Record<string, number | string>;

/** The part of a stream that progress output needs (process.stderr fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Short name shown first, e.g. "train". */
  label: string;
  /** The value at which the work is done (e.g. the number of steps). */
  total: number;
  /** Print nothing at all. */
  quiet?: boolean;
  /** Where to write (default process.stderr). */
  stream?: ProgressStream;
  /** Without a terminal: least time between two printed lines (default 2000 ms). */
  intervalMs?: number;
  /** Clock in milliseconds (default Date.now); tests pass a fake one. */
  now?: () => number;
}

export interface Progress {
  /** Sets the current value (and optionally the fields). */
  update(value: number, fields?: ProgressFields): void;
  /** Adds `delta` (default 1) to the current value. */
  increment(delta?: number, fields?: ProgressFields): void;
  /** Prints a line of text above (or between) the progress output. */
  log(message: string): void;
  /** Draws the final state and ends the line. Safe to call twice. */
  stop(): void;
}

/** `loss=0.3127 epoch=2`: integers as they are, other numbers to 4 significant digits. */
export function formatFields(fields: ProgressFields): string {
  return Object.entries(fields)
    .map(([key, v]) => `${key}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v}`)
    .join(' ');
}

/** Seconds as `45s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Creates and starts a progress reporter. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, increment() {}, log() {}, stop() {} };
  return stream.isTTY ? terminalProgress(options, stream) : lineProgress(options, stream);
}

/** A live bar drawn by cli-progress. */
function terminalProgress(options: ProgressOptions, stream: ProgressStream): Progress {
  const bar = new cliProgress.SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {fields}',
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    // Leave the terminal's state alone (cursor shown, lines wrapping), so a
    // run killed at any moment leaves a usable terminal behind.
    hideCursor: false,
    linewrap: null,
    etaBuffer: 50,
    fps: 5,
    forceRedraw: true,
  });
  let value = 0;
  let fields: ProgressFields = {};
  let stopped = false;
  const payload = () => ({ label: options.label, fields: formatFields(fields) });
  bar.start(options.total, 0, payload());
  const update = (next: number, more?: ProgressFields) => {
    if (stopped) return;
    value = next;
    if (more) fields = { ...fields, ...more };
    bar.update(value, payload());
  };
  return {
    update,
    increment: (delta = 1, more) => update(value + delta, more),
    log(message) {
      if (stopped) {
        stream.write(`${message}\n`);
        return;
      }
      // Clear the bar's line, print the message there, and let the bar redraw
      // itself on the next line. cli-progress returns to the cursor position
      // saved at start() when it stops, so save the new one (ESC 7).
      stream.write(`\r\x1b[K${message}\n\x1b7`);
      bar.render();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** Plain lines, at most one per interval, for logs and pipes. */
function lineProgress(options: ProgressOptions, stream: ProgressStream): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 2000;
  const start = now();
  let lastPrinted = -Infinity;
  let value = 0;
  let fields: ProgressFields = {};
  let stopped = false;
  const line = (t: number): string => {
    const { label, total } = options;
    const fraction = total > 0 ? Math.min(1, value / total) : 1;
    const elapsed = (t - start) / 1000;
    const eta = value > 0 ? (elapsed * (total - value)) / value : NaN;
    const parts = [`${label}: ${Math.floor(fraction * 100)}% (${value}/${total})`];
    parts.push(value >= total ? `done in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`);
    const extra = formatFields(fields);
    if (extra) parts.push(extra);
    return parts.join(' ');
  };
  const print = (t: number) => {
    lastPrinted = t;
    stream.write(`${line(t)}\n`);
  };
  const update = (next: number, more?: ProgressFields) => {
    if (stopped) return;
    value = next;
    if (more) fields = { ...fields, ...more };
    const t = now();
    if (t - lastPrinted >= interval) print(t);
  };
  return {
    update,
    increment: (delta = 1, more) => update(value + delta, more),
    log: (message) => void stream.write(`${message}\n`),
    stop() {
      if (stopped) return;
      stopped = true;
      print(now());
    },
  };
}
