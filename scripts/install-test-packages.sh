#!/usr/bin/env bash
# Installs the Debian packages the test suites need beyond Node and npm packages:
#   haproxy - the load balancer in front of booking-service replicas (e2e/test/replicas.e2e.spec.ts)
#
# Idempotent: when every package is already installed it only says so (no apt-get, well under a
# second). Otherwise it runs `apt-get update` and `apt-get install` once, as root directly, or
# through `sudo -n` for a user allowed to use it without a password. When it cannot install
# (no apt-get, or neither root nor password-less sudo), it says what to run by hand and exits 1,
# so the test that needs the package fails with that message instead of passing silently.
#
# Usage: scripts/install-test-packages.sh [package...]   (default: every package listed above)
set -euo pipefail

PACKAGES=("$@")
[ ${#PACKAGES[@]} -gt 0 ] || PACKAGES=(haproxy)
say() { echo "[install-test-packages] $*" >&2; }

installed() {
  command -v dpkg-query >/dev/null 2>&1 &&
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  say "already installed: ${PACKAGES[*]}"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  say "cannot install ${missing[*]}: this is not a Debian-based system (no apt-get/dpkg-query)."
  say "Install ${missing[*]} with this system's package manager, then run the tests again."
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  AS_ROOT=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  AS_ROOT=(sudo -n)
else
  say "cannot install ${missing[*]}: not running as root, and sudo is missing or asks for a password."
  say "Run once as root:  apt-get update && apt-get install -y ${missing[*]}"
  say "(or: sudo $0), then run the tests again."
  exit 1
fi

say "installing ${missing[*]} (apt-get update && apt-get install)"
# wait for a concurrent apt/dpkg run instead of failing on its lock
APT=("${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -o DPkg::Lock::Timeout=180 -qq)
if ! "${APT[@]}" update >&2; then
  say "apt-get update failed (see above): cannot install ${missing[*]}"
  exit 1
fi
if ! "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
  say "apt-get install ${missing[*]} failed (see above)"
  exit 1
fi

for p in "${missing[@]}"; do
  if ! installed "$p"; then
    say "apt-get reported success but $p is not installed"
    exit 1
  fi
done
say "installed: ${missing[*]}"
