#!/usr/bin/env bash
# What the browser tests need from the machine: Debian's Chromium, and the CJK and colour-emoji
# fonts (without them Chromium draws Korean and emoji as empty boxes). Installs what is missing when
# it can (apt-get, as root or with password-less sudo) and says so in one line; otherwise exits 1
# with the exact command to run. Used by .ci/run and by the browser tests' global set-up.
# VIGIL_CHROMIUM_PATH: where Chromium is expected (default /usr/bin/chromium).
set -euo pipefail

chromium_path="${VIGIL_CHROMIUM_PATH:-/usr/bin/chromium}"
font_packages=(fonts-noto-cjk fonts-noto-color-emoji)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

missing_packages() {
  local missing=()
  [ -x "$chromium_path" ] || missing+=(chromium)
  for package in "${font_packages[@]}"; do installed "$package" || missing+=("$package"); done
  echo "${missing[*]}"
}

missing="$(missing_packages)"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  command="apt-get update && apt-get install -y $missing"
  as_root=()
else
  command="sudo apt-get update && sudo apt-get install -y $missing"
  as_root=(sudo -n)
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || as_root=(none)
fi

if ! command -v apt-get >/dev/null || [ "${as_root[*]}" = none ]; then
  echo "Browser tests need $missing (Chromium expected at $chromium_path), and this user cannot install them. Run: $command" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086 # $missing is a list of package names
if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "Installing $missing for the browser tests failed (above). Run: $command" >&2
  exit 1
fi
still_missing="$(missing_packages)"
if [ -n "$still_missing" ]; then
  echo "Installed $missing, but still missing $still_missing (Chromium expected at $chromium_path). Run: $command" >&2
  exit 1
fi
echo "Installed $missing for the browser tests (apt-get)."
