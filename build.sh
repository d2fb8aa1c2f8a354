#!/usr/bin/env bash
# Builds everything (generator, native library via CMake, library, CLI, tests) in Release.
# Usage: ./build.sh [extra dotnet build arguments, e.g. -p:DslSftBuildNative=false for C# only]
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
dotnet build DslSft.sln -c Release --no-restore -nologo -clp:ErrorsOnly "$@"
echo "build: done. Run ./dslsft --help"
