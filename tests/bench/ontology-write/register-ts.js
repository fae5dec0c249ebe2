// Lets plain `node` load the TypeScript libraries the benchmark drives: ts-node compiles them on
// the fly (transpile only, through SWC) and tsconfig-paths resolves the `@vigie/*` aliases.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../../..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));

require('ts-node').register({
  project: path.join(root, 'tsconfig.base.json'),
  transpileOnly: true,
  swc: true,
  compilerOptions: { module: 'commonjs', sourceMap: false },
});
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
