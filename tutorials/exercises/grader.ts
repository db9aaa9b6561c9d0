/**
 * The course grader: stubs, workspaces, checks and `verify`.
 *
 * - A stub is made from the project's own code: the target of an exercise
 *   (a function, an entry of a rule table, a method) is found by name with
 *   the TypeScript compiler and its body replaced by a throw. A target that
 *   cannot be found is an error naming the exercise, the file and the target,
 *   so a refactor that renames one breaks `verify` at once.
 * - A workspace is a copy of the project's src/ and tutorials/ (with
 *   package.json, tsconfig.json and a link to node_modules) in which the
 *   started exercises are stubbed. The student edits it; the project is
 *   never touched. Its course.json lists the started exercises.
 * - A check runs an exercise's checks in a subprocess whose imports resolve
 *   inside the workspace.
 * - verify runs every exercise's checks on the project (the reference
 *   solutions, all in this process) and on a stubbed copy (one subprocess per
 *   exercise, two at a time), and requires every solution to pass and every
 *   stub to fail.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { writeFileAtomic } from '../../src/nn/index.js';
import { checkFile, EXERCISES, findExercise, type Exercise } from './exercises.js';
import { allPassed, RESULT_MARKER, runCheckFile, type ExerciseResult } from './results.js';

/** The project root (the directory holding src/ and tutorials/). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A user-facing failure (unknown exercise, missing workspace); the CLI turns it into exit code 2. */
export class CourseError extends Error {
  override name = 'CourseError';
}

// ---------------------------------------------------------------- targets

/** A declaration that can be named by a target path segment. */
type Named = ts.FunctionDeclaration | ts.MethodDeclaration | ts.PropertyAssignment | ts.PropertyDeclaration | ts.VariableDeclaration | ts.ClassDeclaration | ts.GetAccessorDeclaration;

function nameOf(node: ts.Node): string | undefined {
  if (
    ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node) ||
    ts.isVariableDeclaration(node) || ts.isClassDeclaration(node) || ts.isGetAccessorDeclaration(node)
  ) {
    const name = node.name;
    if (name === undefined) return undefined;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  }
  return undefined;
}

function topLevel(file: ts.SourceFile, name: string): Named[] {
  const found: Named[] = [];
  for (const statement of file.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && nameOf(statement) === name) found.push(statement);
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) if (nameOf(d) === name) found.push(d);
  }
  return found;
}

/** The named declarations closest to `node` (breadth first): all those at the shallowest depth that has any. */
function nearestMembers(node: ts.Node, name: string): Named[] {
  let level: ts.Node[] = [];
  node.forEachChild((c) => void level.push(c));
  while (level.length > 0) {
    const found = level.filter((n) => nameOf(n) === name) as Named[];
    if (found.length > 0) return found;
    const next: ts.Node[] = [];
    for (const n of level) n.forEachChild((c) => void next.push(c));
    level = next;
  }
  return [];
}

/** Finds `target` (e.g. `bind`, `vjpRules.tanh`, `adam.step`) in a source file, or throws saying which part is missing. */
export function findTarget(source: string, fileName: string, target: string): Named {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const parts = target.split('.');
  let matches = topLevel(file, parts[0]!);
  let path = parts[0]!;
  const missing = (why: string): never => {
    throw new CourseError(`cannot find the target "${target}" in ${fileName}: ${why}`);
  };
  if (matches.length === 0) missing(`no top-level function, class or constant named "${parts[0]}"`);
  for (const part of parts.slice(1)) {
    if (matches.length > 1) missing(`"${path}" is declared ${matches.length} times`);
    matches = nearestMembers(matches[0]!, part);
    if (matches.length === 0) missing(`"${path}" has no member named "${part}"`);
    path = `${path}.${part}`;
  }
  if (matches.length > 1) missing(`"${target}" is declared ${matches.length} times`);
  return matches[0]!;
}

/** The body (or expression) that a replacement overwrites, and what it becomes when the whole initializer is replaced. */
function replaceable(node: Named, target: string, fileName: string): { start: number; end: number; wrapAsFunction: boolean } {
  const functionBody = (fn: ts.Node): ts.Node | undefined =>
    ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) || ts.isGetAccessorDeclaration(fn) ? fn.body : undefined;
  let body = functionBody(node);
  if (body === undefined && (ts.isPropertyAssignment(node) || ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer !== undefined) {
    body = functionBody(node.initializer);
    if (body === undefined) return { start: node.initializer.getStart(), end: node.initializer.getEnd(), wrapAsFunction: true };
  }
  if (body === undefined) throw new CourseError(`cannot stub the target "${target}" in ${fileName}: it is not a function, a method, or an entry with a value`);
  return { start: body.getStart(), end: body.getEnd(), wrapAsFunction: false };
}

function indentationAt(source: string, position: number): string {
  const lineStart = source.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))![0];
}

/**
 * Replaces the body of `target` with `statements` (TypeScript statements,
 * without braces). A rule-table entry whose value is not a function literal
 * (e.g. `sum: linear('sum')`) becomes `() => { statements }`.
 */
export function replaceTargetBody(source: string, fileName: string, target: string, statements: string): string {
  const node = findTarget(source, fileName, target);
  const { start, end, wrapAsFunction } = replaceable(node, target, fileName);
  const indent = indentationAt(source, node.getStart());
  const inner = statements.split('\n').map((line) => `${indent}  ${line}`).join('\n');
  const block = `{\n${inner}\n${indent}}`;
  return source.slice(0, start) + (wrapAsFunction ? `() => ${block}` : block) + source.slice(end);
}

/** The message a stub throws. */
export function stubMessage(exercise: Exercise): string {
  return `Exercise ${exercise.number} (${exercise.title}): not implemented yet — see tutorials/${exercise.chapter}`;
}

/** `source` (the text of exercise.file) with the exercise's target replaced by its stub. */
export function stubSource(source: string, exercise: Exercise): string {
  const statements = [
    `// Exercise ${exercise.number}: ${exercise.task}`,
    `// Check it with: npx goldilocks course check ${exercise.number}`,
    `throw new Error(${JSON.stringify(stubMessage(exercise))});`,
  ].join('\n');
  return replaceTargetBody(source, exercise.file, exercise.target, statements);
}

// ---------------------------------------------------------------- workspaces

interface WorkspaceState {
  /** The started exercises, in the order started. */
  started: number[];
}

const STATE_FILE = 'course.json';

/** The default workspace directory, relative to the current directory. */
export const DEFAULT_WORKSPACE = 'course-work';

/** The exercise numbered `n`, or a CourseError listing the valid numbers. */
export function exerciseOrError(n: number): Exercise {
  const exercise = Number.isInteger(n) ? findExercise(n) : undefined;
  if (exercise === undefined) {
    throw new CourseError(`there is no exercise ${JSON.stringify(n)}; the exercises are numbered 1 to ${EXERCISES.length} (see: goldilocks course list)`);
  }
  return exercise;
}

function readState(dir: string): WorkspaceState | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<WorkspaceState>;
  return { started: Array.isArray(state.started) ? state.started.filter((n) => typeof n === 'number') : [] };
}

/** Copies the project (src, tutorials, package.json, tsconfig.json) into `dir` and links node_modules. */
function copyProject(dir: string): void {
  for (const entry of ['src', 'tutorials']) cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json']) cpSync(join(PROJECT_ROOT, entry), join(dir, entry));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

export interface StartReport {
  dir: string;
  created: boolean;
  /** Exercises stubbed by this call. */
  stubbed: Exercise[];
  /** Exercises asked for that were already started (left as the student edited them). */
  alreadyStarted: Exercise[];
}

/**
 * Starts exercises in the workspace `dir`: creates it (a copy of the
 * project) if it does not exist, then stubs each exercise not started yet,
 * in the workspace's own file, so earlier stubs and the student's work stay.
 */
export function startExercises(dir: string, exercises: readonly Exercise[]): StartReport {
  const absolute = resolve(dir);
  let state = readState(absolute);
  const created = state === null;
  if (state === null) {
    if (existsSync(absolute)) throw new CourseError(`${dir} exists but is not a course workspace (it has no ${STATE_FILE}); choose another --dir`);
    // Copied under a temporary name and renamed: a workspace exists whole or not at all.
    const partial = `${absolute}.${process.pid}.tmp`;
    rmSync(partial, { recursive: true, force: true });
    copyProject(partial);
    renameSync(partial, absolute);
    state = { started: [] };
  }
  const stubbed: Exercise[] = [];
  const alreadyStarted: Exercise[] = [];
  for (const exercise of exercises) {
    if (state.started.includes(exercise.number)) {
      alreadyStarted.push(exercise);
      continue;
    }
    const path = join(absolute, exercise.file);
    writeFileAtomic(path, stubSource(readFileSync(path, 'utf8'), exercise));
    state.started.push(exercise.number);
    stubbed.push(exercise);
  }
  writeFileAtomic(join(absolute, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  return { dir: absolute, created, stubbed, alreadyStarted };
}

// ---------------------------------------------------------------- running checks

const TSX_LOADER = import.meta.resolve('tsx');

/** Runs the checks of `numbers` in the copy of the project at `dir`, in a subprocess. */
export function runChecksIn(dir: string, numbers: readonly number[], timeoutMs = 120_000): Promise<ExerciseResult[]> {
  const script = join(dir, 'tutorials', 'exercises', 'run-checks.ts');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...numbers.map(String)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (line !== undefined) {
        done(JSON.parse(line.slice(RESULT_MARKER.length)) as ExerciseResult[]);
        return;
      }
      // The checks could not even be loaded (a syntax error, a throw at import): report it as a failure of each exercise.
      const why = (stderr.trim().split('\n').find((l) => /Error|error/.test(l)) ?? stderr.trim().split('\n')[0] ?? '').trim();
      const message = `the checks did not run (exit code ${code}): ${why || 'no output'}`;
      done(numbers.map((number) => ({ number, checks: [{ name: 'running the checks', passed: false, message }] })));
    });
  });
}

/** Checks exercise `n` in the workspace `dir`. */
export async function checkExercise(dir: string, exercise: Exercise): Promise<ExerciseResult> {
  const absolute = resolve(dir);
  const state = readState(absolute);
  if (state === null) throw new CourseError(`no course workspace at ${dir}; make one with: goldilocks course start ${exercise.number}${dir === DEFAULT_WORKSPACE ? '' : ` --dir ${dir}`}`);
  if (!state.started.includes(exercise.number)) {
    throw new CourseError(`exercise ${exercise.number} is not started in ${dir}; start it with: goldilocks course start ${exercise.number}${dir === DEFAULT_WORKSPACE ? '' : ` --dir ${dir}`}`);
  }
  const [result] = await runChecksIn(absolute, [exercise.number]);
  return result!;
}

/** A report of one exercise's checks, as a student reads it. */
export function formatResult(exercise: Exercise, result: ExerciseResult): string {
  const lines = [`Exercise ${exercise.number}: ${exercise.title} (${exercise.file}, ${exercise.target})`];
  for (const check of result.checks) {
    lines.push(`  ${check.passed ? '✓' : '✗'} ${check.name}`);
    if (!check.passed) lines.push(`      ${check.message}`);
  }
  const passed = result.checks.filter((c) => c.passed).length;
  if (allPassed(result)) {
    lines.push(`All ${passed} checks pass: exercise ${exercise.number} is done.`);
  } else {
    const stillStub = result.checks.some((c) => c.message.includes('not implemented yet'));
    lines.push(`${passed} of ${result.checks.length} checks pass${stillStub ? ' (the stub is still in place)' : ''}.`);
    lines.push(`  task: ${exercise.task}`);
    lines.push(`  hint: ${exercise.hint}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- verify

export interface VerifyLine {
  exercise: Exercise;
  solution: ExerciseResult;
  stub: ExerciseResult;
  ok: boolean;
}

export interface VerifyReport {
  lines: VerifyLine[];
  stubsFailing: number;
  solutionsPassing: number;
  ok: boolean;
}

/** Runs `jobs` with at most `limit` of them at a time. */
async function inParallel<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * For every exercise: its checks pass on the project (the reference
 * solution) and fail with its stub in place. Each stub is checked in a
 * private copy of the project (one per parallel worker), restored after.
 */
export async function verify(options: { parallel?: number; onLine?: (line: VerifyLine) => void } = {}): Promise<VerifyReport> {
  const parallel = options.parallel ?? 2;
  // Every stub must be constructible: a renamed target fails here, before anything runs.
  const stubs = EXERCISES.map((exercise) => ({ exercise, text: stubSource(readFileSync(join(PROJECT_ROOT, exercise.file), 'utf8'), exercise) }));

  const solutions = new Map<number, ExerciseResult>();
  for (const exercise of EXERCISES) solutions.set(exercise.number, await runCheckFile(exercise.number, pathToFileURL(join(PROJECT_ROOT, checkFile(exercise))).href));

  const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-course-verify-'));
  try {
    const free: string[] = [];
    for (let w = 0; w < Math.min(parallel, stubs.length); w++) {
      const copy = join(scratch, `worker-${w}`);
      copyProject(copy);
      free.push(copy);
    }
    const lines = await inParallel(
      stubs.map(({ exercise, text }) => async (): Promise<VerifyLine> => {
        const copy = free.pop()!;
        const path = join(copy, exercise.file);
        const original = readFileSync(path, 'utf8');
        try {
          writeFileAtomic(path, text);
          const [stub] = await runChecksIn(copy, [exercise.number]);
          const solution = solutions.get(exercise.number)!;
          const line = { exercise, solution, stub: stub!, ok: allPassed(solution) && !allPassed(stub!) };
          options.onLine?.(line);
          return line;
        } finally {
          writeFileAtomic(path, original);
          free.push(copy);
        }
      }),
      parallel,
    );
    const stubsFailing = lines.filter((l) => !allPassed(l.stub)).length;
    const solutionsPassing = lines.filter((l) => allPassed(l.solution)).length;
    return { lines, stubsFailing, solutionsPassing, ok: lines.every((l) => l.ok) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One line of verify's output. */
export function formatVerifyLine({ exercise, solution, stub, ok }: VerifyLine): string {
  const count = (r: ExerciseResult, passed: boolean): number => r.checks.filter((c) => c.passed === passed).length;
  const head = `${ok ? 'ok  ' : 'FAIL'} ${String(exercise.number).padStart(2)} ${exercise.slug.padEnd(22)} ${`${exercise.file} ${exercise.target}`.padEnd(58)}`;
  const stubText = allPassed(stub) ? 'stub PASSES (its checks cannot tell)' : `stub fails ${count(stub, false)}/${stub.checks.length}`;
  const solutionText = allPassed(solution) ? `solution passes ${count(solution, true)}/${solution.checks.length}` : `solution FAILS: ${solution.checks.find((c) => !c.passed)?.message ?? ''}`;
  return `${head} ${stubText}, ${solutionText}`;
}

/** The last line of verify's output. */
export function formatVerifySummary(report: VerifyReport): string {
  return `${report.lines.length} exercises: ${report.stubsFailing} stubs fail, ${report.solutionsPassing} solutions pass`;
}
