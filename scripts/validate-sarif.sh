#!/usr/bin/env bash
# Validate SARIF files with Microsoft's SARIF multitool, using the SARIF rules and GitHub code
# scanning's ingestion rules (--rule-kind "Sarif;Gh"), the checks behind the online validator that
# GitHub's documentation points to.
#
#   scripts/validate-sarif.sh [--strict] FILE.sarif...
#
# On first use the multitool (pinned, from the npm registry; needs Node.js and npm) is installed
# into target/tools/ (override with CTLINT_TOOLS_DIR). Errors and warnings are printed in full,
# notes (style suggestions) are counted by rule. Exits 1 when a file has an error (with --strict,
# also a warning), 2 on a usage or installation problem.
#
#   cargo run -q -- check examples/ --format sarif > target/examples.sarif
#   scripts/validate-sarif.sh target/examples.sarif
set -euo pipefail

VERSION=5.7.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${CTLINT_TOOLS_DIR:-$root/target/tools}"

strict=0
files=()
for arg in "$@"; do
    case "$arg" in
        --strict) strict=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "validate-sarif: unknown option $arg" >&2
            exit 2
            ;;
        *) files+=("$arg") ;;
    esac
done
if [ "${#files[@]}" -eq 0 ]; then
    echo "usage: scripts/validate-sarif.sh [--strict] FILE.sarif..." >&2
    exit 2
fi

case "$(uname -s)" in
    Linux) platform=linux exe=Sarif.Multitool ;;
    Darwin) platform=darwin exe=Sarif.Multitool ;;
    MINGW* | MSYS* | CYGWIN*) platform=win32 exe=Sarif.Multitool.exe ;;
    *)
        echo "validate-sarif: no SARIF multitool build for $(uname -s)" >&2
        exit 2
        ;;
esac
if [ "$platform" = linux ] && [ "$(uname -m)" != x86_64 ]; then
    echo "validate-sarif: the SARIF multitool for Linux is built for x86-64 only, not $(uname -m)" >&2
    exit 2
fi
package="@microsoft/sarif-multitool-$platform"
multitool="$tools/node_modules/$package/$exe"

if [ ! -x "$multitool" ] || ! grep -q "\"version\": \"$VERSION\"" "$tools/node_modules/$package/package.json" 2>/dev/null; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "validate-sarif: npm is needed to install $package@$VERSION" >&2
        exit 2
    fi
    echo "validate-sarif: installing $package@$VERSION into $tools" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "$package@$VERSION" >&2 ||
        {
            echo "validate-sarif: npm install failed" >&2
            exit 2
        }
    # The package's postinstall does this; npm may be configured not to run install scripts.
    chmod u+x "$multitool"
fi

# The multitool is a self-contained .NET program: without ICU it needs invariant globalization.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
for file in "${files[@]}"; do
    if [ ! -f "$file" ]; then
        echo "validate-sarif: $file: no such file" >&2
        status=2
        continue
    fi
    log="$work/log.txt"
    # The multitool exits 0 whatever it finds, so its report is read instead.
    if ! "$multitool" validate "$file" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" \
        --output "$work/out.sarif" >"$log" 2>&1; then
        cat "$log" >&2
        echo "validate-sarif: the multitool failed on $file" >&2
        status=2
        continue
    fi
    rm -f "$work/out.sarif"
    errors=$(grep -cE ': error [A-Z]+[0-9]+:' "$log" || true)
    warnings=$(grep -cE ': warning [A-Z]+[0-9]+:' "$log" || true)
    grep -E ': (error|warning) [A-Z]+[0-9]+:' "$log" || true
    notes=$(grep -oE ': note [A-Z]+[0-9]+' "$log" | sed 's/^: note //' | sort | uniq -c | awk '{printf "%s %s×%s", sep, $2, $1; sep=","}' || true)
    echo "$file: $errors error(s), $warnings warning(s)${notes:+, notes:$notes}"
    if ! grep -q 'Analysis completed successfully' "$log"; then
        cat "$log" >&2
        echo "validate-sarif: the multitool did not complete on $file" >&2
        status=2
    fi
    if [ "$errors" -gt 0 ] || { [ "$strict" -eq 1 ] && [ "$warnings" -gt 0 ]; }; then
        [ "$status" -eq 0 ] && status=1
    fi
done
exit "$status"
