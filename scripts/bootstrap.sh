#!/usr/bin/env bash
# Installs whatever this machine lacks to build DslSft: the C++ toolchain, CMake and OpenMP (apt),
# and the NuGet packages (dotnet restore). Idempotent: a machine that has everything does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
# libgomp ships with g++; check for the OpenMP header to be sure.
[ -e "$(g++ -print-file-name=include/omp.h 2>/dev/null || echo /nonexistent)" ] || need_apt+=(libgomp1)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]} (apt)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "bootstrap: the .NET 10 SDK is required (https://dot.net); it is not installable from apt here" >&2
  exit 1
fi

echo "bootstrap: restoring NuGet packages"
dotnet restore DslSft.sln --verbosity quiet
