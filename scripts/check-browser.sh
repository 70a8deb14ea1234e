#!/usr/bin/env bash
# `npm run check:browser`: the browser check (test/browser/live-page.check.ts) in a real headless Chromium.
# It installs nothing: it uses AIR_CHROMIUM or /usr/bin/chromium, and says so when neither is there.
set -euo pipefail
chromium="${AIR_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "check:browser: no Chromium at $chromium." >&2
  echo "  Install it (Debian/Ubuntu: apt-get install chromium) or point AIR_CHROMIUM at a Chromium or Chrome binary." >&2
  exit 1
fi
echo "check:browser: using $("$chromium" --version 2>/dev/null || echo "$chromium")"
export AIR_CHROMIUM="$chromium"
exec node --experimental-vm-modules node_modules/jest/bin/jest.js --config jest.browser.config.js "$@"
