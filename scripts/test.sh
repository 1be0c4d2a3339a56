#!/usr/bin/env bash
# Runs every Tribune test, installing what the tests need first.
#
# Usage: ./scripts/test.sh [--quick]
#
#   --quick                 skip the browser tests (and Chromium, npm ci)
#   TRIBUNE_SKIP_INSTALL=1  install nothing; fail if something is missing
#   CHROMIUM=/path          the Chromium binary (default /usr/bin/chromium)
#   TRIBUNE_E2E_VERBOSE=1   echo the tribune server's output in browser tests
#
# Needs Go, Node.js 20+ and npm. On Debian, as root (or with sudo), it
# installs what is missing: gcc (for go test -race), redis-server (the Go
# tests start their own on free ports), nginx-light (a test runs Tribune
# behind it) and chromium (the browser tests), and
# runs `npm ci` in e2e/ when e2e/node_modules is missing or was installed
# from another e2e/package-lock.json. apt-get update runs only when something must be
# installed, so a second run installs nothing and goes straight to the tests.
# staticcheck is pinned (v0.8.2): one of that version where go install puts
# it ($GOBIN, or $(go env GOPATH)/bin) is used; otherwise it is built once
# (a few minutes) into ~/.cache/tribune/tools ($XDG_CACHE_HOME if set),
# leaving any other version alone, and built again only when the pin moves.
# Pebble, the ACME test server the HTTPS test issues from, is pinned the
# same way (v2.10.3, in the same cache) and given to the tests as
# TRIBUNE_PEBBLE.
#
# Then, stopping at the first failure:
#   gofmt -l (no file may need formatting), go mod tidy -diff (go.mod and
#   go.sum are tidy), go vet ./..., staticcheck ./..., go test -race ./...,
#   30 s of go test -fuzz FuzzRoom ./room, node --test on
#   clientjs/**/*.test.{js,mjs}, node --test on e2e/*.test.mjs (headless
#   Chromium against the real binary).

set -euo pipefail

cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    -h | --help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "test.sh: unknown argument: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

started=$SECONDS
section_started=$SECONDS
section_name=

section() {
  finish_section
  section_name=$1
  section_started=$SECONDS
  printf '\n==> %s\n' "$1"
}

finish_section() {
  if [[ -n $section_name ]]; then
    printf -- '--- %s: done in %ds\n' "$section_name" $((SECONDS - section_started))
  fi
}

fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

chromium=${CHROMIUM:-/usr/bin/chromium}

# Tests to run, found now so that setup installs only what they need.
mapfile -t js_tests < <(find clientjs -type f \( -name '*.test.js' -o -name '*.test.mjs' \) \
  -not -path '*/node_modules/*' 2>/dev/null | sort)
mapfile -t e2e_tests < <(find e2e -maxdepth 1 -type f -name '*.test.mjs' 2>/dev/null | sort)
if ((quick)); then
  e2e_tests=()
fi

# --------------------------------------------------------------------------
section "setup"

for tool in go node npm; do
  command -v "$tool" >/dev/null || fail "$tool not found in PATH: install Go, Node.js 20+ and npm first"
done

# have reports whether an executable of that name is in PATH (command -v
# alone also accepts a file without the execute bit).
have() {
  local path
  path=$(command -v "$1") && [[ -x $path ]]
}

missing=()
have gcc || missing+=(gcc libc6-dev) # go test -race needs cgo
have redis-server || missing+=(redis-server)
# Debian puts nginx in /usr/sbin, outside a user's PATH.
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || missing+=(nginx-light)
if ((${#e2e_tests[@]})) && [[ ! -x $chromium ]]; then
  if [[ -n ${CHROMIUM:-} ]]; then
    fail "CHROMIUM=$CHROMIUM is not an executable file"
  fi
  missing+=(chromium)
fi
# The report test reads the PDF Chromium prints with pdftotext and pdfinfo.
if ((${#e2e_tests[@]})) && ! have pdftotext; then
  missing+=(poppler-utils)
fi
# The voters test reads the voting cards' QR codes back with zbarimg; it
# skips that check where zbar-tools is not installed.
if ((${#e2e_tests[@]})) && ! have zbarimg; then
  missing+=(zbar-tools)
fi

if ((${#missing[@]})); then
  if [[ ${TRIBUNE_SKIP_INSTALL:-} == 1 ]]; then
    fail "missing ${missing[*]} and TRIBUNE_SKIP_INSTALL=1: apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null || fail "missing ${missing[*]}, and no apt-get to install them with"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || fail "missing ${missing[*]}: run as root, or install them"
    sudo=(sudo)
  fi
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # Debian's redis-server package tries to start a service; where there is
  # no init system that only warns, and the tests start their own anyway.
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" </dev/null
fi

if ((${#e2e_tests[@]})); then
  # The stamp records which lockfile node_modules was installed from.
  stamp=e2e/node_modules/.tribune-lock.sha256
  want=$(sha256sum e2e/package-lock.json | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    if [[ ${TRIBUNE_SKIP_INSTALL:-} == 1 ]]; then
      fail "e2e/node_modules is missing or stale and TRIBUNE_SKIP_INSTALL=1: run (cd e2e && npm ci)"
    fi
    echo "npm ci in e2e/"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi

# staticcheck, pinned: a new release brings new checks, and a gate must
# not start failing on a commit that changed nothing.
staticcheck_version=0.8.2
staticcheck_ok() {
  [[ -x $1 && $("$1" -version 2>/dev/null) == *"($staticcheck_version)" ]]
}
gobin=$(go env GOBIN)
if [[ -z $gobin ]]; then
  gobin=$(go env GOPATH)
  gobin=${gobin%%:*}/bin
fi
staticcheck=$gobin/staticcheck
if ! staticcheck_ok "$staticcheck"; then
  tools=${XDG_CACHE_HOME:-$HOME/.cache}/tribune/tools
  staticcheck=$tools/staticcheck
  if ! staticcheck_ok "$staticcheck"; then
    if [[ ${TRIBUNE_SKIP_INSTALL:-} == 1 ]]; then
      fail "no staticcheck $staticcheck_version and TRIBUNE_SKIP_INSTALL=1: GOBIN=$tools go install honnef.co/go/tools/cmd/staticcheck@v$staticcheck_version"
    fi
    echo "installing staticcheck v$staticcheck_version into $tools (a few minutes, once)"
    GOBIN=$tools go install "honnef.co/go/tools/cmd/staticcheck@v$staticcheck_version" ||
      fail "go install staticcheck@v$staticcheck_version"
  fi
fi

# Pebble, pinned: the ACME test server the HTTPS tests get certificates
# from. Its -version says "dev"; the module version is in the binary.
pebble_version=2.10.3
pebble_ok() {
  [[ -x $1 ]] && go version -m "$1" 2>/dev/null | grep -q "mod[[:space:]]*github.com/letsencrypt/pebble/v2[[:space:]]*v$pebble_version[[:space:]]"
}
pebble=${XDG_CACHE_HOME:-$HOME/.cache}/tribune/tools/pebble
if ! pebble_ok "$pebble"; then
  if [[ ${TRIBUNE_SKIP_INSTALL:-} == 1 ]]; then
    fail "no pebble $pebble_version and TRIBUNE_SKIP_INSTALL=1: GOBIN=${pebble%/*} go install github.com/letsencrypt/pebble/v2/cmd/pebble@v$pebble_version"
  fi
  echo "installing pebble v$pebble_version into ${pebble%/*}"
  GOBIN=${pebble%/*} go install "github.com/letsencrypt/pebble/v2/cmd/pebble@v$pebble_version" ||
    fail "go install pebble@v$pebble_version"
fi
export TRIBUNE_PEBBLE=$pebble TRIBUNE_NGINX=$nginx

go version
echo "node $(node --version), npm $(npm --version)"
"$staticcheck" -version
redis-server --version
"$nginx" -v 2>&1
echo "pebble v$pebble_version"
if ((${#e2e_tests[@]})); then
  "$chromium" --version 2>/dev/null || echo "chromium at $chromium"
fi

# --------------------------------------------------------------------------
section "gofmt"
if ! unformatted=$(find . -type f -name '*.go' \
  -not -path './.git/*' -not -path '*/node_modules/*' -not -path '*/testdata/*' -print0 |
  xargs -0 -r gofmt -l 2>&1); then
  fail "gofmt: $unformatted"
fi
if [[ -n $unformatted ]]; then
  printf '%s\n' "$unformatted" | sed 's/^/  /'
  fail "gofmt: these files need formatting: gofmt -w ${unformatted//$'\n'/ }"
fi
echo "all Go files formatted"

# --------------------------------------------------------------------------
section "go mod tidy"
go mod tidy -diff || fail "go.mod or go.sum is not tidy (the diff above): run go mod tidy"
echo "go.mod and go.sum are tidy"

# --------------------------------------------------------------------------
section "go vet"
go vet ./... || fail "go vet"
echo "go vet: no findings"

# --------------------------------------------------------------------------
section "staticcheck"
"$staticcheck" ./... || fail "staticcheck"
echo "staticcheck: no findings"

# --------------------------------------------------------------------------
section "go test -race"
go test -race -count=1 -timeout 15m ./... || fail "go test"

# --------------------------------------------------------------------------
section "fuzz FuzzRoom (30s)"
# Random command sequences against the room's invariants, beyond the seed
# corpus go test ran. A failing input is saved under
# room/testdata/fuzz/FuzzRoom/, where go test replays it from then on.
go test -run '^$' -fuzz '^FuzzRoom$' -fuzztime 30s ./room || fail "FuzzRoom"

# --------------------------------------------------------------------------
section "clientjs tests (node --test)"
if ((${#js_tests[@]})); then
  timeout --kill-after=30s 10m node --test "${js_tests[@]}" || fail "clientjs tests"
else
  echo "no clientjs/**/*.test.js files"
fi

# --------------------------------------------------------------------------
section "browser tests (node --test e2e/)"
if ((quick)); then
  echo "skipped (--quick)"
elif ((${#e2e_tests[@]} == 0)); then
  echo "no e2e/*.test.mjs files"
else
  # One tribune binary for every test file (each runs in its own process).
  bindir=$(mktemp -d "${TMPDIR:-/tmp}/tribune-bin.XXXXXX")
  trap 'rm -rf "$bindir"' EXIT
  if compgen -G 'cmd/tribune/*.go' >/dev/null; then
    go build -o "$bindir/tribune" ./cmd/tribune || fail "go build ./cmd/tribune"
    export TRIBUNE_BIN=$bindir/tribune
  fi
  export CHROMIUM=$chromium
  timeout --kill-after=30s 20m node --test --test-timeout=300000 "${e2e_tests[@]}" ||
    fail "browser tests (screenshots, if any, in e2e/artifacts/)"
fi

finish_section
section_name=
printf '\nAll tests passed in %ds.\n' $((SECONDS - started))
