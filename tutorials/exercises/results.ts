/**
 * Running an exercise's checks and describing the outcome: one result per
 * check, passed or failed with a message (expected vs got when the check
 * could say). The same code runs the checks in the project (for `verify`)
 * and in a student's workspace (run-checks.ts, in a subprocess).
 */
import { CheckFailure, type ExerciseCheck } from './check.js';

export interface CheckResult {
  name: string;
  passed: boolean;
  /** Why it failed, in one or a few lines; empty when it passed. */
  message: string;
}

export interface ExerciseResult {
  number: number;
  checks: CheckResult[];
}

/** True when every check passed (and there was at least one). */
export function allPassed(result: ExerciseResult): boolean {
  return result.checks.length > 0 && result.checks.every((c) => c.passed);
}

function describeError(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  if (error instanceof Error) return `it threw: ${error.message}`;
  return `it threw: ${String(error)}`;
}

/** Runs each check, catching what it throws. */
export function runChecks(checks: readonly ExerciseCheck[]): CheckResult[] {
  return checks.map((check) => {
    try {
      check.run();
      return { name: check.name, passed: true, message: '' };
    } catch (error) {
      return { name: check.name, passed: false, message: describeError(error) };
    }
  });
}

/** Imports a check file (a module exporting `checks`) and runs it; a failure to load is one failed check. */
export async function runCheckFile(number: number, url: string): Promise<ExerciseResult> {
  let checks: readonly ExerciseCheck[];
  try {
    const loaded = (await import(url)) as { checks?: readonly ExerciseCheck[] };
    if (!Array.isArray(loaded.checks)) throw new Error(`${url} does not export a list \`checks\``);
    checks = loaded.checks;
  } catch (error) {
    return { number, checks: [{ name: 'loading the checks', passed: false, message: describeError(error) }] };
  }
  return { number, checks: runChecks(checks) };
}

/** The marker before the JSON line that run-checks.ts prints. */
export const RESULT_MARKER = 'goldilocks-course-result ';
