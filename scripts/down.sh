#!/usr/bin/env bash
# `npm run down`: stops the services, then the local stack. State under .vigie/ is kept.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
[ -x node_modules/.bin/node ] && export PATH="$ROOT/node_modules/.bin:$PATH"
node scripts/lib/services.cjs stop || true
bash scripts/stack/down.sh
