#!/usr/bin/env bash
# Stops the fault tests' private stack left running by VIGIE_FAULTS_KEEP=1 (and removes its data).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../scripts/lib/isolated-stack.sh
. scripts/lib/isolated-stack.sh
export PATH="$PWD/node_modules/.bin:$PATH"
iso_env "${VIGIE_FAULTS_DIR:-/tmp/faults}" 58632 4822 8822 8780 9700 600
iso_down
iso_say "private stack stopped ($VIGIE_STATE_DIR)"
