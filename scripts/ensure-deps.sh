#!/usr/bin/env bash
# Installs what `npm start` / `npm test` need and is missing: the npm packages and, with
# --browser, Debian's Chromium (Playwright never downloads a browser here); with --qemu, as root,
# Debian's qemu-system-x86 for the `migscope run` tests (without it they are skipped).
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

browser=no
qemu=no
for arg in "$@"; do
  case "$arg" in
    --browser) browser=yes ;;
    --qemu) qemu=yes ;;
  esac
done

apt_updated=no
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = no ]; then
    apt-get update -qq >&2
    apt_updated=yes
  fi
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

if [ "$browser" = yes ]; then
  browser_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$browser_path" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "migscope: installing Debian's chromium for the browser tests..." >&2
      apt_install chromium
    else
      echo "migscope: the browser tests need Debian's Chromium at $browser_path." >&2
      echo "Install it with:  sudo apt-get install chromium   (or set CHROMIUM_PATH)" >&2
      exit 1
    fi
  fi
fi

if [ "$qemu" = yes ] && ! command -v qemu-system-x86_64 >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "migscope: installing Debian's qemu-system-x86 for the migscope run tests..." >&2
    apt_install qemu-system-x86
  else
    echo "migscope: no qemu-system-x86_64: the migscope run tests will be skipped (sudo apt-get install --no-install-recommends qemu-system-x86)." >&2
  fi
fi
