/**
 * `goldilocks course`: the exercises of the course in tutorials/.
 *
 *   course list              the exercises, by chapter
 *   course start N [--all]   a workspace (a copy of the project) with exercise N stubbed
 *   course check N           grade exercise N in the workspace (exit 0 done, 2 not yet)
 *   course verify            every stub fails its checks and every reference solution passes
 *
 * The machinery lives in tutorials/exercises/grader.ts (loaded only when a
 * subcommand runs, since it brings the TypeScript compiler); this file only
 * parses arguments and prints.
 */
import type { Command } from 'commander';
import { UserError, parseIntOption } from '../errors.js';

type Grader = typeof import('../../../tutorials/exercises/grader.js');

async function loadGrader(): Promise<Grader> {
  return import('../../../tutorials/exercises/grader.js');
}

/** Runs a grader call, turning its CourseErrors (the user's to fix) into UserErrors. */
async function asUser<T>(grader: Grader, body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof grader.CourseError) throw new UserError(error.message);
    throw error;
  }
}

export function register(program: Command): void {
  const course = program.command('course').description('the course: list, start and check exercises; verify the grader');

  course
    .command('list')
    .description('list the exercises, with the chapter and the code each one asks for')
    .action(async () => {
      const { EXERCISES } = await import('../../../tutorials/exercises/exercises.js');
      let chapter = '';
      for (const e of EXERCISES) {
        if (e.chapter !== chapter) {
          chapter = e.chapter;
          process.stdout.write(`tutorials/${chapter}\n`);
        }
        process.stdout.write(`  ${String(e.number).padStart(2)}  ${e.title} — ${e.file}, ${e.target}\n`);
      }
    });

  course
    .command('start')
    .description('copy the project into a workspace and stub exercise N there (earlier stubs and your edits are kept)')
    .argument('[N]', 'the exercise number (see: goldilocks course list)', parseIntOption('N', 1))
    .option('--dir <path>', 'the workspace directory', 'course-work')
    .option('--all', 'start every exercise')
    .action(async (n: number | undefined, options: { dir: string; all?: boolean }) => {
      const grader = await loadGrader();
      const { EXERCISES } = await import('../../../tutorials/exercises/exercises.js');
      if (n === undefined && !options.all) throw new UserError('course start needs an exercise number N, or --all');
      await asUser(grader, () => {
        const exercises = options.all ? EXERCISES : [grader.exerciseOrError(n!)];
        const report = grader.startExercises(options.dir, exercises);
        if (report.created) process.stdout.write(`Made the workspace ${report.dir} (a copy of src/ and tutorials/).\n`);
        for (const e of report.stubbed) process.stdout.write(`Exercise ${e.number}: ${e.title}\n  edit ${options.dir}/${e.file} (${e.target}), then run: npx goldilocks course check ${e.number}${options.dir === 'course-work' ? '' : ` --dir ${options.dir}`}\n`);
        for (const e of report.alreadyStarted) process.stdout.write(`Exercise ${e.number} was already started; ${options.dir}/${e.file} is left as it is.\n`);
      });
    });

  course
    .command('check')
    .description('run exercise N\'s checks against the workspace; exit 0 when done, 2 when not yet')
    .argument('<N>', 'the exercise number', parseIntOption('N', 1))
    .option('--dir <path>', 'the workspace directory', 'course-work')
    .action(async (n: number, options: { dir: string }) => {
      const grader = await loadGrader();
      await asUser(grader, async () => {
        const exercise = grader.exerciseOrError(n);
        const result = await grader.checkExercise(options.dir, exercise);
        const { allPassed } = await import('../../../tutorials/exercises/results.js');
        process.stdout.write(`${grader.formatResult(exercise, result)}\n`);
        if (!allPassed(result)) process.exitCode = 2;
      });
    });

  course
    .command('verify')
    .description('check the grader: every exercise\'s stub fails its checks and its reference solution passes')
    .option('--parallel <n>', 'stub checks run at once', parseIntOption('--parallel', 1, 16), 2)
    .action(async (options: { parallel: number }) => {
      const grader = await loadGrader();
      const started = Date.now();
      const report = await asUser(grader, () => grader.verify({ parallel: options.parallel }));
      for (const line of report.lines) process.stdout.write(`${grader.formatVerifyLine(line)}\n`);
      process.stdout.write(`${grader.formatVerifySummary(report)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      if (!report.ok) process.exitCode = 1;
    });
}
