#!/usr/bin/env node
// The `goldilocks` command (package.json "bin"). It runs the built
// JavaScript in dist/ (`npm run build`; `npm install` in a clone builds it
// too), so a command starts without compiling anything.
//
// In a clone it runs the TypeScript sources through tsx instead when they are
// newer than the build (a file of src/ edited since the last build), or when
// there is no build, so what runs is always what the sources say; and always
// for `goldilocks course`, whose exercises are edits to the sources. main()
// sets the exit code (0, 1 for a bug, 2 for a user error). `goldilocks
// --version` alone is answered from package.json without loading the CLI.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { URL } from 'node:url';

const root = new URL('../', import.meta.url);
const sources = new URL('src/', root);
const buildStamp = new URL('dist/.build-stamp', root);

/** The latest modification time (ms) of any file under dir. */
function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True in a clone whose sources should run rather than dist/. */
function runSources() {
  if (!existsSync(sources)) return false; // an installed package: dist/ only
  if (process.argv[2] === 'course' || !existsSync(buildStamp)) return true;
  return newestChange(sources) > statSync(buildStamp).mtimeMs;
}

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined; // a clone installed without dev dependencies
  }
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version}\n`);
  process.exit(0);
}

const tsx = runSources() ? await loadTsx() : undefined;
if (tsx) {
  tsx.register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
} else if (process.argv[2] === 'course') {
  process.stderr.write('goldilocks: the course works in a clone of the goldilocks repository (it copies, edits and grades the sources): clone it, run npm install there, then npx goldilocks course list\n');
  process.exitCode = 2;
} else if (!existsSync(buildStamp)) {
  process.stderr.write('goldilocks: not built: run npm run build (or npm install) in its folder\n');
  process.exitCode = 2;
} else {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
