/**
 * The course grader: every exercise's stub fails its checks and its
 * reference solution (the project's code) passes (`verify`); a wrong
 * solution is reported with what was expected and what came back; and the
 * real CLI starts, checks and refuses bad input as documented.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXERCISES, findExercise } from '../tutorials/exercises/exercises.js';
import {
  checkExercise, formatResult, formatVerifySummary, PROJECT_ROOT, replaceTargetBody, startExercises, stubSource, verify,
} from '../tutorials/exercises/grader.js';
import { allPassed } from '../tutorials/exercises/results.js';
import { throwsWith } from './support/assertions.js';

const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-course-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'goldilocks.js'), 'course', ...args], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('there are at least 15 exercises, numbered 1, 2, … without gaps, each naming an existing chapter', () => {
  assert.ok(EXERCISES.length >= 15, `${EXERCISES.length} exercises`);
  EXERCISES.forEach((e, i) => assert.is(e.number, i + 1, `exercise ${e.slug}`));
  for (const e of EXERCISES) assert.not.throws(() => readFileSync(join(PROJECT_ROOT, 'tutorials', e.chapter)), `chapter ${e.chapter} of exercise ${e.number}`);
});

test('verify: every stub fails its checks and every reference solution passes', async () => {
  const report = await verify({ parallel: 2 });
  const bad = report.lines.filter((l) => !l.ok).map((l) => `${l.exercise.number} ${l.exercise.slug}: stub ${allPassed(l.stub) ? 'passes' : 'fails'}, solution ${allPassed(l.solution) ? 'passes' : `fails: ${JSON.stringify(l.solution.checks)}`}`);
  assert.equal(bad, []);
  assert.is(formatVerifySummary(report), `${EXERCISES.length} exercises: ${EXERCISES.length} stubs fail, ${EXERCISES.length} solutions pass`);
});

test('a target that cannot be found is an error naming the file and the missing part', () => {
  const exercise = { ...findExercise(1)!, target: 'vjpRules.notAPrimitive' };
  const source = readFileSync(join(PROJECT_ROOT, exercise.file), 'utf8');
  throwsWith(() => stubSource(source, exercise), 'cannot find the target "vjpRules.notAPrimitive" in src/autodiff/vjp.ts: "vjpRules" has no member named "notAPrimitive"');
  throwsWith(() => stubSource(source, { ...exercise, target: 'noSuchFunction' }), 'no top-level function, class or constant named "noSuchFunction"');
});

test('a table entry that is not a function literal is stubbed as a whole function', () => {
  const source = "const rules = {\n  sum: linear('sum'),\n  neg: (g) => [g],\n};\n";
  const stubbed = replaceTargetBody(source, 'rules.ts', 'rules.sum', 'throw new Error("stub");');
  assert.match(stubbed, "sum: () => {\n    throw new Error(\"stub\");\n  },");
  assert.match(stubbed, 'neg: (g) => [g]');
});

test('a wrong solution fails with expected and got, and the hint; the right one passes', async () => {
  const dir = join(scratch, 'wrong-solution');
  startExercises(dir, [findExercise(1)!]);
  const file = join(dir, 'src/autodiff/vjp.ts');
  // A classic slip: 1 − y instead of 1 − y².
  writeFileSync(file, replaceTargetBody(readFileSync(file, 'utf8'), 'vjp.ts', 'vjpRules.tanh', 'return [() => ops.mul(g, ops.sub(1, out))];'));
  const wrong = await checkExercise(dir, findExercise(1)!);
  assert.not.ok(allPassed(wrong));
  const report = formatResult(findExercise(1)!, wrong);
  assert.match(report, '✗ grad of sum(tanh(x)) is 1 − tanh²(x)');
  assert.match(report, /expected \[0\.1807\d*, .*\], got \[1\.905\d*/);
  assert.match(report, 'hint: dy/dx = 1 − tanh²(x)');
  assert.not.match(report, 'the stub is still in place');

  writeFileSync(file, replaceTargetBody(readFileSync(file, 'utf8'), 'vjp.ts', 'vjpRules.tanh', 'return [() => ops.mul(g, ops.sub(1, ops.square(out)))];'));
  const right = await checkExercise(dir, findExercise(1)!);
  assert.ok(allPassed(right), JSON.stringify(right));
  assert.match(formatResult(findExercise(1)!, right), 'exercise 1 is done');
});

test('starting an exercise again keeps the student\'s edits; a directory that is not a workspace is refused', () => {
  const dir = join(scratch, 'restart');
  startExercises(dir, [findExercise(7)!]);
  const file = join(dir, 'src/autodiff/transforms.ts');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n// my notes\n`);
  const again = startExercises(dir, [findExercise(7)!, findExercise(8)!]);
  assert.equal(again.alreadyStarted.map((e) => e.number), [7]);
  assert.equal(again.stubbed.map((e) => e.number), [8]);
  const text = readFileSync(file, 'utf8');
  assert.match(text, '// my notes');
  assert.match(text, 'Exercise 7 (the exact Hessian-vector product): not implemented yet');
  assert.match(text, 'Exercise 8 (the Jacobian by reverse mode): not implemented yet');
  throwsWith(() => startExercises(join(dir, 'src'), [findExercise(1)!]), 'is not a course workspace');
});

test('CLI: course start, check (stub: exit 2), list; unknown N, missing workspace and a missing N are one-line errors with exit 2', () => {
  const start = cli('start', '5', '--dir', 'work');
  assert.is(start.status, 0, start.stderr);
  assert.match(start.stdout, 'Exercise 5: the forward-mode rule of tanh');
  assert.match(readFileSync(join(scratch, 'work/src/autodiff/jvp.ts'), 'utf8'), 'Exercise 5 (the forward-mode rule of tanh): not implemented yet');

  const check = cli('check', '5', '--dir', 'work');
  assert.is(check.status, 2, check.stderr);
  assert.match(check.stdout, '✗ jvp of tanh along v is v·(1 − tanh²x)');
  assert.match(check.stdout, 'not implemented yet');
  assert.match(check.stdout, '0 of 2 checks pass (the stub is still in place).');

  const unknown = cli('check', '99', '--dir', 'work');
  assert.is(unknown.status, 2);
  assert.is(unknown.stderr, `goldilocks: there is no exercise 99; the exercises are numbered 1 to ${EXERCISES.length} (see: goldilocks course list)\n`);

  const missing = cli('check', '5', '--dir', 'nowhere');
  assert.is(missing.status, 2);
  assert.is(missing.stderr, 'goldilocks: no course workspace at nowhere; make one with: goldilocks course start 5 --dir nowhere\n');

  const noNumber = cli('start');
  assert.is(noNumber.status, 2);
  assert.is(noNumber.stderr, 'goldilocks: course start needs an exercise number N, or --all\n');

  const list = cli('list');
  assert.is(list.status, 0);
  for (const e of EXERCISES) assert.match(list.stdout, `${e.title} — ${e.file}, ${e.target}`);
});

test.run();
