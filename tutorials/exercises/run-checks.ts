/**
 * Runs the checks of the exercises named on the command line, in the copy
 * of the project this file sits in, and prints the results as one JSON line
 * after RESULT_MARKER. The grader starts it in a subprocess (see grader.ts):
 *
 *   node --import tsx tutorials/exercises/run-checks.ts 3 7
 */
import { checkFile, findExercise } from './exercises.js';
import { RESULT_MARKER, runCheckFile, type ExerciseResult } from './results.js';

const root = new URL('../../', import.meta.url);
const results: ExerciseResult[] = [];
for (const arg of process.argv.slice(2)) {
  const exercise = findExercise(Number(arg));
  if (exercise === undefined) throw new Error(`run-checks: no exercise ${JSON.stringify(arg)}`);
  results.push(await runCheckFile(exercise.number, new URL(checkFile(exercise), root).href));
}
process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(results)}\n`);
