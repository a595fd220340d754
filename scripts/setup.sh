#!/usr/bin/env bash
# One-line setup: installs what the full game day and the full test suite need, and only what is missing,
# so a second run installs nothing.
#   - HAProxy (flow control in the game day and the HAProxy tests) and Chromium (the report test): apt,
#     as root or through sudo;
#   - the npm dependencies (npm install, only when package.json or the lock file changed since the last one);
#   - moto with its server and cfn-lint in python3: checked, never installed here (it comes from PyPI, which
#     a machine may not reach, and which pip may refuse to write into the system Python).
# What it cannot install, it names with the exact command to run, then exits 1. Nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian installs haproxy in /usr/sbin, which an ordinary user's PATH often lacks (overridable for tests).
SBIN_DIRS="${SETUP_SBIN_DIRS-/usr/local/sbin /usr/sbin /sbin}"
MOTO_COMMAND='python3 -m pip install "moto[server]"'

missing_packages=()
brew_formulas=()
instructions=()
installed=()

say() { printf '%s\n' "$*"; }

find_haproxy() {
  if [ -n "${HAPROXY_BIN:-}" ] && "$HAPROXY_BIN" -v >/dev/null 2>&1; then echo "$HAPROXY_BIN"; return 0; fi
  if command -v haproxy >/dev/null 2>&1; then command -v haproxy; return 0; fi
  for dir in $SBIN_DIRS; do
    if [ -x "$dir/haproxy" ]; then echo "$dir/haproxy"; return 0; fi
  done
  return 1
}

# The same names test/integration/gameday-report.test.ts looks for.
find_chromium() {
  for candidate in "${CHROMIUM_BIN:-}" chromium chromium-browser; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}

if haproxy_bin=$(find_haproxy); then
  say "ok       haproxy: $("$haproxy_bin" -v 2>/dev/null | head -n 1)"
else
  missing_packages+=(haproxy)
  brew_formulas+=(haproxy)
fi
if chromium_bin=$(find_chromium); then
  say "ok       chromium: $chromium_bin"
else
  missing_packages+=(chromium)
  brew_formulas+=("--cask chromium")
fi

if [ "${#missing_packages[@]}" -gt 0 ]; then
  apt_command="apt-get install -y ${missing_packages[*]}"
  if [ "$(uname -s)" = "Darwin" ]; then
    for formula in "${brew_formulas[@]}"; do instructions+=("brew install $formula"); done
  elif ! command -v apt-get >/dev/null 2>&1; then
    instructions+=("install ${missing_packages[*]} with your package manager (no apt-get here; on Debian/Ubuntu: sudo $apt_command; on macOS: brew install haproxy && brew install --cask chromium)")
  elif [ "$(id -u)" = "0" ]; then
    say "install  ${missing_packages[*]} (apt-get, as root)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}" >/dev/null
    installed+=("${missing_packages[@]}")
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    say "install  ${missing_packages[*]} (apt-get, through sudo)"
    sudo -n apt-get update -qq
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}" >/dev/null
    installed+=("${missing_packages[@]}")
  elif command -v sudo >/dev/null 2>&1; then
    # sudo would ask for a password: a setup line must not hang on a prompt the user did not expect.
    instructions+=("sudo apt-get update && sudo $apt_command")
  else
    instructions+=("as root: apt-get update && $apt_command")
  fi
fi

# moto's server runs the AWS side of the game day and the integration tests; cfn-lint comes with it.
# One python3 start-up (seconds on a busy machine): moto's server importable, and its version.
if moto_version=$(python3 -c 'import moto.server, moto; print(moto.__version__)' 2>/dev/null); then
  say "ok       moto: $moto_version"
  if command -v cfn-lint >/dev/null 2>&1; then
    say "ok       cfn-lint: $(command -v cfn-lint)"
  else
    instructions+=("python3 -m pip install cfn-lint   (or put the directory pip installed it in on PATH)")
  fi
else
  instructions+=("$MOTO_COMMAND   (it brings cfn-lint; Debian 12+/Ubuntu 23.04+ refuse pip in the system python3: add --user --break-system-packages, or put a virtualenv's python3 first on PATH)")
fi

# npm writes node_modules/.package-lock.json on every install: newer than both manifests = up to date.
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package.json ] &&
  [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "ok       npm dependencies: up to date"
else
  say "install  npm dependencies (npm install)"
  # npm ci rejects the lock file npm 11 writes for biome's optional platform packages; install honours it.
  npm install --no-audit --no-fund >/dev/null
  installed+=(npm-dependencies)
fi

# What apt installed must now be found where the game day and the tests look for it.
if [ "${#installed[@]}" -gt 0 ]; then
  case " ${installed[*]} " in *" haproxy "*) find_haproxy >/dev/null || instructions+=("haproxy was installed but is not found: put /usr/sbin on PATH or set HAPROXY_BIN") ;; esac
  case " ${installed[*]} " in *" chromium "*) find_chromium >/dev/null || instructions+=("chromium was installed but is not found: set CHROMIUM_BIN") ;; esac
fi

if [ "${#instructions[@]}" -gt 0 ]; then
  say ""
  say "setup is NOT complete. Run:"
  for line in "${instructions[@]}"; do say "  $line"; done
  say "then run this setup again."
  exit 1
fi
if [ "${#installed[@]}" -gt 0 ]; then
  say "setup complete: installed ${installed[*]}"
else
  say "setup complete: nothing to install"
fi
