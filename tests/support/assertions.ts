/**
 * Test support: assertions shared by several test files.
 */
import * as assert from 'uvu/assert';
import type { Tensor } from '../../src/autodiff/index.js';

/** Asserts that fn throws an Error whose message contains every fragment. */
export function throwsWith(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (error) {
    const message = (error as Error).message;
    for (const fragment of fragments) assert.ok(message.includes(fragment), `expected "${fragment}" in: ${message}`);
    return;
  }
  assert.unreachable(`expected an error mentioning ${fragments.join(', ')}`);
}

/** Same shape, dtype and bits (Object.is per element). */
export function assertSameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.equal(actual.shape, expected.shape, `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = actual.toTypedArray();
  const b = expected.toTypedArray();
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
}
