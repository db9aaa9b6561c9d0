/**
 * Test support: assertions shared by several test files.
 */
import * as assert from 'uvu/assert';

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
