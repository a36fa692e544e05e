#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need, if any is missing.
# Idempotent and quiet when everything is there. Sourced by scripts/test.
set -euo pipefail

GUESTGUARD_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libssl-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libpqxx-dev postgresql-15
  libnats-dev nats-server
  python3-dev pybind11-dev python3-pytest
  python3-venv python3-pip python3-setuptools python3-wheel
  dpkg-dev systemd
  libboost1.81-dev libboost-json1.81-dev libcli11-dev libsodium-dev libcurl4-openssl-dev wrk curl
  chromium chromium-driver python3-selenium nodejs
)

guestguard_install_deps() {
  local missing=()
  for pkg in "${GUESTGUARD_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "scripts: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-upgrade --no-install-recommends "${missing[@]}" >/dev/null
}
