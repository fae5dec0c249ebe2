#!/usr/bin/env node
// The `vigie` command. Runs the bundle built by `npx nx build cli` (dist/apps/cli/main.js).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(bundle)) {
  process.stderr.write('vigie: the command is not built yet; run `npx nx build cli` first\n');
  process.exit(2);
}
require(bundle);
