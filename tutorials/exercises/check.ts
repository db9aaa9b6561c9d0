/**
 * What an exercise's checks are made of: a named check is a function that
 * throws when the student's code is wrong. The helpers below throw a
 * CheckFailure that says, in words, what was expected and what came back,
 * so that `goldilocks course check N` can print it as it is.
 */

/** One named check of an exercise. */
export interface ExerciseCheck {
  /** What is being checked, in a phrase ("the gradient of tanh at three points"). */
  name: string;
  run(): void;
}

/** A check whose numbers were wrong: what was expected and what came back. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${what}: expected ${expected}, got ${got}`);
  }
}

const show = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(8));
const showArray = (xs: ArrayLike<number>): string => {
  const items = Array.from(xs).slice(0, 8).map(show);
  return `[${items.join(', ')}${xs.length > 8 ? `, … (${xs.length} numbers)` : ''}]`;
};

/** |got − expected| ≤ tolerance · max(1, |expected|). */
export function expectClose(what: string, got: number, expected: number, tolerance = 1e-10): void {
  const error = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  if (!(error <= tolerance)) throw new CheckFailure(what, show(expected), show(got));
}

/** Same length, and every entry close (relative to the largest entry of `expected`). */
export function expectAllClose(what: string, got: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-10): void {
  if (got.length !== expected.length) throw new CheckFailure(what, `${expected.length} numbers ${showArray(expected)}`, `${got.length} numbers ${showArray(got)}`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(got[i]! - expected[i]!) <= tolerance * scale)) {
      throw new CheckFailure(`${what} (entry ${i} is off)`, showArray(expected), showArray(got));
    }
  }
}

/** Exactly equal lists (shapes, counts). */
export function expectEqualList(what: string, got: readonly number[], expected: readonly number[]): void {
  if (got.length !== expected.length || got.some((g, i) => g !== expected[i])) {
    throw new CheckFailure(what, `[${expected.join(', ')}]`, `[${got.join(', ')}]`);
  }
}

/** A condition that must hold, with what was seen when it did not. */
export function expectTrue(what: string, condition: boolean, got: string): void {
  if (!condition) throw new CheckFailure(what, 'it to hold', got);
}
