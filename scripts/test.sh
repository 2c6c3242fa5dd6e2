#!/usr/bin/env bash
# The project's test command: bootstraps what it needs, then typechecks, lints and runs every test
# (unit tests, the integration tests against a real slapd and a real kube-apiserver + etcd, then the product
# on a real single-node cluster), then the benchmark suite at its quick sizes.
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
vitest run --project unit --project integration --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest.json || status=$?
# On its own, after the others: it brings up the cluster and builds the image, and its login test runs the
# machine's one nslcd. The cluster goes down afterwards, whatever the outcome.
log "the product on a single-node cluster (scripts/cluster.sh, scripts/image.sh)"
vitest run --project cluster --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-cluster.json || status=$?
"$ROOT/scripts/cluster.sh" down || status=$?
node scripts/test-summary.ts test-results/vitest.json test-results/vitest-cluster.json || status=$?
# After the tests, not beside them: its lock-out bench runs the machine's one nslcd, as the e2e tests do.
mkdir -p test-results
log "benchmark suite at its --quick sizes (that \`npm run bench\` works; no figures kept)"
if ! node bench/suite.ts --quick --runs 1 --no-write >test-results/bench-quick.log 2>&1; then
  tail -40 test-results/bench-quick.log >&2
  status=1
fi
exit "$status"
