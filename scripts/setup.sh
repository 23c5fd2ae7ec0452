#!/usr/bin/env bash
# Installs what fastda needs on Debian/Ubuntu: a C++ toolchain, CMake,
# libtorch (CPU) with Gloo, and OpenBLAS (a train step was 14x slower with the
# reference BLAS Debian picks by default). Then installs npm packages and builds.
#   sudo bash scripts/setup.sh            # system packages + npm ci + build
#   bash scripts/setup.sh --system-only   # system packages only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ccache libtorch-dev libgloo-dev libopenblas0-pthread libjpeg-dev)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "fastda setup: missing system packages: ${missing[*]}" >&2
    echo "Run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "fastda setup: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libtorch must use OpenBLAS, not the reference BLAS.
blas=$(update-alternatives --query "libblas.so.3-$(gcc -dumpmachine)" 2>/dev/null | awk '/^Value:/{print $2}')
case "$blas" in
  *openblas*) ;;
  *) echo "fastda setup: warning: libblas.so.3 points at '${blas:-unknown}', not OpenBLAS; training will be slow." >&2 ;;
esac

[[ "${1:-}" == "--system-only" ]] && exit 0

if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=17)?0:1)'; then
  echo "fastda setup: Node.js >= 20.17 is required (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "Install it from https://nodejs.org or your distribution's nodejs >= 20 package, then rerun." >&2
  exit 1
fi

npm ci --no-audit --no-fund
