#!/usr/bin/env bash
# Builds and tests the AddOn; `npm test` calls it.
#   1. builds the solution: the client core (net48 + net10.0), the NinjaScript facade, and
#      NinjaTrader.Compile, which compiles the NinjaTrader layer (AddOn, window, broker, market data,
#      host, EnigmaBridge) with the client core for net48 / C# 7.3 against the facade, as NinjaTrader
#      does: a NinjaScript signature error fails here;
#   2. builds the import zip and reads it back (package.mjs --verify);
#   3. runs the xunit tests: the client core's and the NinjaTrader layer's against the facade.
#   ./test.sh                  unit and integration tests (the integration test starts the real
#                              engine: `node bin/enigma.js run …`, so build the engine first)
#   ./test.sh --unit           unit tests only
#   ./test.sh --integration    the integration tests only
# With no .NET SDK installed it prints a notice and exits 0; any build or test failure exits non-zero.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "NOTICE: ninjatrader-addon: no .NET SDK (dotnet) on PATH, so the C# AddOn was neither built nor tested."
  echo "NOTICE: install the .NET SDK (8 or later) to run them; see ninjatrader-addon/README.md."
  exit 0
fi

cd "$(dirname "${BASH_SOURCE[0]}")"

filter=()
case "${1:-}" in
  --unit) filter=(--filter "Category!=Integration") ;;
  --integration) filter=(--filter "Category=Integration") ;;
  "") ;;
  *) echo "usage: $0 [--unit|--integration]" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! dotnet build EnigmaApex.sln -c Release --nologo -v quiet; then
  echo "ninjatrader-addon: build failed (a compile error in NinjaTrader/ is an error against the NinjaScript facade)" >&2
  exit 1
fi

log="$(mktemp)"
zip="$(mktemp -d)/EnigmaApex-NinjaTrader8.zip"
trap 'rm -f "$log"; rm -rf "$(dirname "$zip")"' EXIT
node package.mjs --out "$zip" --verify
status=0
dotnet test EnigmaApex.sln -c Release --no-build --nologo "${filter[@]}" 2>&1 | tee "$log" || status=$?

# One plain closing line ("N passed, N failed") for CI, summed over the test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
echo "dotnet: ${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then echo "ninjatrader-addon: no test ran" >&2; exit 1; fi
