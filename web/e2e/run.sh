#!/usr/bin/env bash
# The browser end-to-end tests: build the site into a temporary folder,
# serve it with serve.go on a free loopback port, drive Debian's Chromium
# with playwright-core, Debian's Firefox ESR with puppeteer-core (over
# WebDriver BiDi) and Debian's WebKitGTK through its WebKitWebDriver (plain
# W3C WebDriver, under xvfb-run: WebKitGTK needs a display) under node's
# own test runner, stop the server. Tests that must see the server gone
# start one of their own (SERVE_BIN).
# .ci/run installs the three browsers and `npm ci`s this folder.
set -euo pipefail
e2e="$(cd "$(dirname "$0")" && pwd)"
cd "$e2e/../.."

for m in playwright-core puppeteer-core; do
  if [ ! -d "$e2e/node_modules/$m" ]; then
    echo "web/e2e: $m is not installed: run (cd web/e2e && npm ci)" >&2
    exit 1
  fi
done
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" FIREFOX="${FIREFOX:-/usr/bin/firefox-esr}"
if [ ! -x "$CHROMIUM" ]; then
  echo "web/e2e: no Chromium at $CHROMIUM: apt-get install chromium" >&2
  exit 1
fi
if [ ! -x "$FIREFOX" ]; then
  echo "web/e2e: no Firefox at $FIREFOX: apt-get install firefox-esr" >&2
  exit 1
fi
if ! command -v "${WEBKIT_DRIVER:-WebKitWebDriver}" >/dev/null || ! command -v xvfb-run >/dev/null; then
  echo "web/e2e: no WebKitWebDriver or xvfb-run: apt-get install webkit2gtk-driver xvfb xauth" >&2
  exit 1
fi

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go run ./cmd/build -out "$tmp/dist"
go build -o "$tmp/serve" serve.go
"$tmp/serve" -addr 127.0.0.1:0 -dir "$tmp/dist" >"$tmp/serve.log" 2>&1 &
pid=$!
# serve prints its address once it listens.
for _ in $(seq 100); do
  url="$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' "$tmp/serve.log")"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "web/e2e: the server did not start" >&2; exit 1; }
echo "web/e2e: testing $url"

export SITE_URL="$url" SITE_DIR="$tmp/dist" SERVE_BIN="$tmp/serve"
echo "web/e2e: Chromium"
node --test --test-concurrency=1 $(ls "$e2e"/*.test.js | grep -v -e /firefox.test.js -e /webkit.test.js)
echo "web/e2e: Firefox"
node --test --test-concurrency=1 "$e2e"/firefox.test.js
echo "web/e2e: WebKit"
xvfb-run -a -s "-screen 0 1400x1000x24" node --test --test-concurrency=1 "$e2e"/webkit.test.js
