#!/usr/bin/env bash
# Runs every test suite and ends with one line: "tests: N passed, N failed, N skipped".
# Unit + integration suites of all packages run in parallel workers; the e2e suites start real
# service processes and run one at a time. Exit status is non-zero if anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=node-env.sh
source "$ROOT/scripts/node-env.sh"
RESULTS="$ROOT/.run/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export TEST_DB_REPORT="$RESULTS/databases.tsv"
JEST="$ROOT/node_modules/jest/bin/jest.js"

started=$SECONDS
if [ "${TEST_DB:-}" = pglite ]; then db="embedded PGlite (TEST_DB=pglite)"; else db="${TEST_DATABASE_URL:-local PostgreSQL if reachable, else embedded PGlite}"; fi
echo "[test] unit and integration suites (database: $db)"
node "$JEST" --config "$ROOT/jest.config.js" --maxWorkers=2 --json --outputFile="$RESULTS/main.json" "$@"
main_status=$?

echo "[test] e2e suites (real processes)"
# the Debian packages e2e tests need (HAProxy in front of booking-service replicas); on failure
# the test that needs one fails with the reason
bash "$ROOT/scripts/install-test-packages.sh" || echo "[test] could not install the test packages; the tests that need them will say so"
node "$JEST" --config "$ROOT/e2e/jest.config.js" --runInBand --json --outputFile="$RESULTS/e2e.json" "$@"
e2e_status=$?

node "$ROOT/scripts/summarize-tests.mjs" "$RESULTS" "$((SECONDS - started))"
summary_status=$?
[ $main_status -eq 0 ] && [ $e2e_status -eq 0 ] && [ $summary_status -eq 0 ]
