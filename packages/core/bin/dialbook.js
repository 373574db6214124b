#!/usr/bin/env node
// The `dialbook` command. A committed file, so npm can link it before the TypeScript build has run.
import '../dist/cli/main.js';
