#!/usr/bin/env bash
# Scaffolds a Node app built by webpack: bash scripts/new-app.sh <name> scope:<x>
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 scope=$2
dir=apps/$name
mkdir -p $dir/src/app
cat > $dir/project.json <<EOF
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "application",
  "tags": ["$scope", "type:app"],
  "targets": {
    "build": {
      "executor": "@nx/webpack:webpack",
      "outputs": ["{options.outputPath}"],
      "options": { "webpackConfig": "$dir/webpack.config.js", "outputPath": "dist/apps/$name" }
    },
    "typecheck": {
      "cache": true,
      "inputs": ["default", "^production"],
      "command": "tsc -p $dir/tsconfig.app.json --noEmit"
    }
  }
}
EOF
cat > $dir/webpack.config.js <<EOF
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/$name') },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      outputHashing: 'none',
      generatePackageJson: true,
      skipTypeChecking: true,
      sourceMap: true,
    }),
  ],
};
EOF
cat > $dir/tsconfig.json <<EOF
{
  "extends": "../../tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.app.json" }, { "path": "./tsconfig.spec.json" }]
}
EOF
cat > $dir/tsconfig.app.json <<EOF
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "../../dist/out-tsc", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.integration-spec.ts"]
}
EOF
cat > $dir/tsconfig.spec.json <<EOF
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "../../dist/out-tsc", "types": ["jest", "node"], "isolatedModules": true },
  "include": ["src/**/*.ts"]
}
EOF
cat > $dir/jest.config.ts <<EOF
export default {
  displayName: '$name',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/$dir',
  passWithNoTests: false,
};
EOF
