#!/usr/bin/env bash
# Installs what `npm start` / `npm test` need and is missing: the npm packages and, with
# --browser, Debian's Chromium (Playwright never downloads a browser here).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.migscope-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "migscope: installing npm packages..." >&2
  # npm install, not npm ci: it tolerates the optional per-platform packages a lock made
  # on another machine may lack.
  npm install --no-audit --no-fund >&2
  touch "$stamp"
fi

# The CLI runs bundled JavaScript (dist-cli/): rebuild it so it matches the sources (~0.2 s).
node scripts/build-cli.mjs >&2

if [ "${1:-}" = "--browser" ]; then
  browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$browser" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "migscope: installing Debian's chromium for the browser tests..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq --no-install-recommends chromium >&2
    else
      echo "migscope: the browser tests need Debian's Chromium at $browser." >&2
      echo "Install it with:  sudo apt-get install chromium   (or set CHROMIUM_PATH)" >&2
      exit 1
    fi
  fi
fi
