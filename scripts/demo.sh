#!/usr/bin/env bash
# The main job: a local OpenLDAP with the contoso.lab directory and the SCIM listener in front of it.
# Bootstraps Node 24, the npm packages and slapd (not the tools only tests need).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SKIP_TEST_TOOLS=1 "$ROOT/scripts/bootstrap.sh"
exec node "$ROOT/scripts/demo.ts" "$@"
