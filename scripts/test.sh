#!/usr/bin/env bash
# The project's test command: bootstraps what it needs, then typechecks, lints and runs every test
# (unit tests, and the integration tests against a real slapd and a real kube-apiserver + etcd).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

log "generated files are up to date"
npm run --silent gen:check
log "typecheck"
npm run --silent typecheck
log "lint and format"
npm run --silent lint
log "tests"
rm -rf test-results
status=0
vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node scripts/test-summary.ts test-results/vitest.json || status=$?
exit "$status"
