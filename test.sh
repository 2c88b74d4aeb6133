#!/usr/bin/env bash
# Runs every gostream test: installs what the tests need (Debian's Jupyter
# stack, tmux), checks formatting, vet and generated files, then runs the
# test suite and the race detector on the engine.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: real Jupyter clients, a terminal multiplexer,
# kcat, a Kafka client that shares no code with ours, and a headless browser
# for the streaming UI.
pkgs=(jupyter-client jupyter-nbconvert jupyter-console python3-jupyter-kernel-test
      python3-nbclient python3-nbformat python3-ipykernel tmux kcat chromium)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "installing: ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "not gofmt'ed:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== generated files up to date"
go generate ./...
if ! git diff --exit-code --stat -- stdlib; then
	echo "stdlib/ is stale: run 'go generate ./...' and commit the result"; exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
echo "== go test ./..."
go test -count=1 -timeout 25m -v ./... >"$log" 2>&1 || status=$?
grep -E '^(ok|FAIL|---|panic:)|^\s+--- FAIL|^=== RUN.*Fuzz' "$log" | grep -v -- '--- PASS' | grep -v -- '--- SKIP' || true
if [ $status -ne 0 ]; then
	echo "== failures:"; grep -B2 -A30 -E -- '--- FAIL|^panic:' "$log" | head -300
	echo "== failure messages:"; grep -A12 -E '^\s+[A-Za-z0-9_]+_test\.go:[0-9]+: ' "$log" | head -300
fi

echo "== go test -race (engine)"
racelog=$(mktemp)
race=0
go test -count=1 -race -timeout 25m ./engine/... >"$racelog" 2>&1 || race=$?
grep -E '^(ok|FAIL|---)|WARNING: DATA RACE' "$racelog" | grep -v -- '--- PASS' || true
if [ $race -ne 0 ]; then
	status=$race
	echo "== race failures:"; grep -B2 -A40 -E -- '--- FAIL|WARNING: DATA RACE|^panic:' "$racelog" | head -200
fi
rm -f "$racelog"

passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
if [ $status -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
