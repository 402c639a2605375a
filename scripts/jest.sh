#!/usr/bin/env bash
# `npm test` in any package: Jest in ESM mode on Node >= 24.9 (provisioned if the machine's is older).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/node-env.sh"
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
exec node "$ROOT/node_modules/jest/bin/jest.js" "$@"
