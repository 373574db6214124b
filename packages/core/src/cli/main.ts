#!/usr/bin/env node
// The `dialbook` CLI. It checks the Node.js version first and loads the commands (and with them
// node:sqlite and everything else that needs a recent Node.js) only when the version is good.
import { EXIT_NODE_TOO_OLD, nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem();
if (problem) {
  for (const line of problem) process.stderr.write(`dialbook: ${line}\n`);
  process.exit(EXIT_NODE_TOO_OLD);
}
await import('./commands.js');
