#!/usr/bin/env bash
# Installs nvcc without a GPU, so CUDA sources can be compiled (not run) on a CPU machine:
# Debian 12's non-free `nvidia-cuda-toolkit` (CUDA 11.8; supports sm_80/sm_90) plus g++-11 as the host
# compiler (CUDA 11.8 refuses g++ 12). Idempotent. Exits 0 when nvcc is already usable.
# Prints a clear "CUDA toolkit unavailable" line and exits 3 when it cannot be installed here.
set -uo pipefail

if command -v nvcc >/dev/null 2>&1 && command -v g++-11 >/dev/null 2>&1; then
  echo "cuda: nvcc already installed ($(nvcc --version | tail -1))"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

list=/etc/apt/sources.list.d/dslsft-non-free.sources
if ! grep -rqs "non-free" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  echo "cuda: adding Debian bookworm contrib/non-free to apt sources ($list)"
  $SUDO tee "$list" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if ! $SUDO apt-get update -qq; then
  echo "cuda: CUDA toolkit unavailable: apt-get update failed" >&2
  exit 3
fi
# The download is ~1.6 GB; --no-install-recommends skips the GPU driver packages.
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit g++-11 >/tmp/dslsft-cuda-install.log 2>&1; then
  echo "cuda: CUDA toolkit unavailable: apt-get install nvidia-cuda-toolkit g++-11 failed (see /tmp/dslsft-cuda-install.log)" >&2
  tail -5 /tmp/dslsft-cuda-install.log >&2
  exit 3
fi
echo "cuda: installed $(nvcc --version | tail -1)"
