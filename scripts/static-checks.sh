#!/usr/bin/env bash
# `npm test`'s static half: ESLint + Prettier and the type-check, side by side. Each keeps one core busy
# for 7–12 s on the 2-core machines CI runs on; one after the other they cost the suite ~7 s of wall time.
set -uo pipefail
npm run --silent typecheck &
typecheck=$!
npm run --silent lint
lint=$?
wait "$typecheck"
typecheck=$?
if ((lint || typecheck)); then
  echo "static checks failed: lint exit $lint, typecheck exit $typecheck" >&2
  exit 1
fi
