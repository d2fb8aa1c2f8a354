#!/usr/bin/env bash
# Compiles every CUDA source under native/ for sm_80 and sm_90 (no GPU needed) with warnings as errors.
# Exit codes: 0 compiled cleanly; 1 compile errors or warnings; 3 no nvcc available (toolkit not installed).
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvcc >/dev/null 2>&1; then
  echo "cuda-check: SKIPPED: nvcc not found (scripts/install-cuda-toolkit.sh installs it)" >&2
  exit 3
fi
host="${CUDAHOSTCXX:-}"
if [ -z "$host" ]; then command -v g++-11 >/dev/null 2>&1 && host=g++-11 || host=g++; fi
dir="${1:-artifacts/native-cuda}"
rm -rf "$dir"
set -o pipefail
if ! cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_HOST_COMPILER="$host" \
     -DCMAKE_CUDA_ARCHITECTURES="80;90" 2>&1 | tee "$dir.configure.log" | grep -E "DslSft|Error"; then
  :
fi
grep -q "building CUDA kernels" "$dir.configure.log" || { echo "cuda-check: FAILED: CMake did not enable CUDA (see $dir.configure.log)" >&2; exit 1; }
cmake --build "$dir" --parallel 2 2>&1 | tee "$dir.build.log" | grep -E "warning|error|Built target" ; rc=${PIPESTATUS[0]}
ncu=$(ls native/cuda/*.cu native/generated/*.cu 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ]; then echo "cuda-check: FAILED: compile errors (see $dir.build.log)" >&2; exit 1; fi
if grep -qi "warning" "$dir.build.log"; then echo "cuda-check: FAILED: warnings in the CUDA build (see $dir.build.log)" >&2; exit 1; fi
echo "cuda-check: OK: $ncu CUDA source(s) compiled for sm_80 and sm_90 with no warnings (host compiler $host)"
