#!/usr/bin/env bash
# The visualizer's browser tests drive Debian's Chromium (playwright-core never
# downloads a browser). Install it with apt-get when it is missing; set
# CHROMIUM_PATH to use another Chromium instead.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] && exit 0
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] && exit 0
sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Chromium is missing: install Debian's package as root (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
echo "installing Debian's chromium for the browser tests"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
