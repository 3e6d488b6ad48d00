#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests.
# The tests drive this browser, never one that a test tool downloads. Installs it with apt-get
# when it is missing and we are root; otherwise says how to install it, and the browser tests
# will then fail (not skip) with the same advice.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  if [ -x "$CHROMIUM" ]; then
    exit 0
  fi
  echo "apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi

echo "WARNING: $CHROMIUM is missing and this is not a root shell with apt-get." >&2
echo "         Install it with: sudo apt-get install chromium   (the browser tests will fail)" >&2
