/**
 * Every tutorial is a self-checking script: it throws (and exits non-zero)
 * when one of its numbers is wrong. Here each one runs, at the small sizes
 * at its default size (seconds), as a user would run it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tutorials = readdirSync(join(root, 'tutorials')).filter((f) => /^\d\d-.*\.ts$/.test(f)).sort();

test('there are tutorials to run', () => {
  assert.ok(tutorials.length >= 2, `found ${tutorials.join(', ')}`);
});

for (const file of tutorials) {
  test(`tutorial ${file} runs and passes its own checks`, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join('tutorials', file)], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GOLDILOCKS_TUTORIAL_FULL: '' },
      timeout: 240_000,
    });
    assert.is(result.status, 0, `${file} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, 'all checks passed');
  });
}

test.run();
