#!/usr/bin/env node
// The `goldilocks` command (package.json "bin"). The CLI is written in
// TypeScript and runs without a build step: tsx's loader is registered in
// this process, then src/cli/main.ts is imported and run. main() sets the
// exit code (0, 1 for a bug, 2 for a user error).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
