#!/usr/bin/env bash
# Scaffolds a library: bash scripts/new-lib.sh libs/<domain>/<kind> <project-name> scope:<x> type:<y>
set -euo pipefail
cd "$(dirname "$0")/.."
mk_lib () 
{ 
    local dir=$1 name=$2;
    shift 2;
    local tags=$(printf '"%s",' "$@");
    tags=${tags%,};
    mkdir -p $dir/src;
    local rel=$(python3 -c "import os;print(os.path.relpath('.', '$dir'))");
    cat > $dir/project.json <<EOF
{
  "name": "$name",
  "\$schema": "$rel/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "library",
  "tags": [$tags],
  "targets": {}
}
EOF

    cat > $dir/tsconfig.json <<EOF
{
  "extends": "$rel/tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.lib.json" }, { "path": "./tsconfig.spec.json" }]
}
EOF

    cat > $dir/tsconfig.lib.json <<EOF
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$rel/dist/out-tsc", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.integration-spec.ts"]
}
EOF

    cat > $dir/tsconfig.spec.json <<EOF
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$rel/dist/out-tsc", "types": ["jest", "node"], "isolatedModules": true },
  "include": ["src/**/*.ts"]
}
EOF

    cat > $dir/jest.config.ts <<EOF
export default {
  displayName: '$name',
  preset: '$rel/jest.preset.js',
  rootDir: '.',
  coverageDirectory: '$rel/coverage/$dir',
};
EOF

    [ -f $dir/src/index.ts ] || echo "export {};" > $dir/src/index.ts
}
mk_lib "$@"
