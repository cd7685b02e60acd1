# Shared by the scripts that build Go tools from the Go module proxy into a
# cache outside the repository (controlplane-build.sh, helm-build.sh,
# opentofu-build.sh, peer-provider-build.sh). Sourced, not run. What it
# guarantees for every tool:
#   - a warm cache is a no-op (the caller decides what "warm" means);
#   - one builder at a time per cache root: a second caller waits on
#     <cache root>/.lock and then finds the cache warm;
#   - readers never see a half-written install: builds go to a staging
#     directory beside the destination and are installed by rename.
#
# The caller sets GO_BUILD_NAME (the log prefix, e.g. "helm-build") first, or
# GO_BUILD_LOG_PREFIX for a prefix of another shape (readers may match it).

# go_build_log MESSAGE: one progress line on stderr, prefixed with the tool's name.
go_build_log() {
  echo "${GO_BUILD_LOG_PREFIX:-${GO_BUILD_NAME:-go-build}:} $*" >&2
}

# go_build_need_go [EXIT_CODE]: fails with EXIT_CODE (default 1) when no Go
# toolchain is on PATH.
go_build_need_go() {
  if ! command -v go >/dev/null 2>&1; then
    go_build_log "Go is required to build this (none on PATH)"
    exit "${1:-1}"
  fi
}

# go_build_lock CACHE_ROOT: takes CACHE_ROOT/.lock on file descriptor 9 for
# the rest of the script, waiting (and saying so) while another build holds it.
go_build_lock() {
  mkdir -p "$1"
  exec 9>"$1/.lock"
  if ! flock -n 9; then
    go_build_log "another build holds $1/.lock; waiting"
    flock 9
  fi
}

# go_build_scratch PATH: PATH is removed when the script exits.
GO_BUILD_SCRATCH=()
go_build_scratch() {
  GO_BUILD_SCRATCH+=("$1")
  trap 'rm -rf "${GO_BUILD_SCRATCH[@]}"' EXIT
}

# go_build_staging DEST: creates a staging directory beside DEST (same file
# system, so the install is a rename), removed on exit unless installed.
# Sets GO_BUILD_STAGING.
go_build_staging() {
  GO_BUILD_STAGING=$(mktemp -d "$(dirname "$1")/.build.XXXXXX")
  go_build_scratch "$GO_BUILD_STAGING"
  chmod 755 "$GO_BUILD_STAGING"
}

# go_build_install DEST: replaces DEST with the staging directory by rename.
go_build_install() {
  local dest=$1
  if [[ -e "$dest" ]]; then
    mv "$dest" "$GO_BUILD_STAGING.old"
  fi
  mv "$GO_BUILD_STAGING" "$dest"
  rm -rf "$GO_BUILD_STAGING.old"
  local kept=() p
  for p in "${GO_BUILD_SCRATCH[@]}"; do [[ "$p" == "$GO_BUILD_STAGING" ]] || kept+=("$p"); done
  GO_BUILD_SCRATCH=("${kept[@]}")
}

# go_build_package DIR PACKAGE OUTPUT LDFLAGS: `go build -v` of PACKAGE in the
# module at DIR into OUTPUT (a file, or a directory ending in /), static and
# reproducible, with the module graph read-only; its per-package lines become
# one progress line every 100 packages; downloads and errors pass through.
go_build_package() {
  local dir=$1 pkg=$2 out=$3 ld=$4 status start
  start=$(date +%s)
  set +e
  (
    cd "$dir"
    CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
      go build -v -trimpath -ldflags "$ld" -o "$out" "$pkg" 2>&1
  ) | {
    n=0
    while IFS= read -r line; do
      if [[ "$line" == *" "* || "$line" == *":"* ]]; then
        echo "  $line" >&2
        continue
      fi
      n=$((n + 1))
      if (( n % 100 == 0 )); then
        go_build_log "compiled $n packages ($(( $(date +%s) - start ))s)"
      fi
    done
  }
  status=${PIPESTATUS[0]}
  set -e
  if (( status != 0 )); then
    go_build_log "go build $pkg failed (exit $status)"
    exit "$status"
  fi
}

# go_build_keyed DEST KEY BUILD BINARY...: the whole cycle for a tool whose
# install DEST holds bin/<BINARY>... and a key file. Warm means DEST/key is
# KEY and every binary is executable; otherwise it takes the lock, looks
# again, calls BUILD with the staging bin/ directory (BUILD compiles into it
# and checks what it built), writes the key and installs by rename. Prints
# DEST/bin on stdout.
go_build_keyed() {
  local dest=$1 key=$2 build=$3 started b
  shift 3
  local binaries=("$@")
  _go_build_warm() {
    [[ -f "$dest/key" && "$(cat "$dest/key")" == "$key" ]] || return 1
    for b in "${binaries[@]}"; do [[ -x "$dest/bin/$b" ]] || return 1; done
  }
  if _go_build_warm; then
    go_build_log "cached in $dest/bin"
    echo "$dest/bin"
    return 0
  fi
  go_build_need_go
  go_build_lock "$(dirname "$dest")"
  if _go_build_warm; then
    go_build_log "cached in $dest/bin (built by another process)"
    echo "$dest/bin"
    return 0
  fi
  go_build_staging "$dest"
  mkdir -p "$GO_BUILD_STAGING/bin"
  started=$(date +%s)
  "$build" "$GO_BUILD_STAGING/bin"
  for b in "${binaries[@]}"; do
    [[ -x "$GO_BUILD_STAGING/bin/$b" ]] || { go_build_log "$b missing after build"; exit 1; }
  done
  echo "$key" >"$GO_BUILD_STAGING/key"
  go_build_install "$dest"
  go_build_log "built in $(( $(date +%s) - started ))s into $dest/bin ($(du -sh "$dest/bin" | cut -f1))"
  echo "$dest/bin"
}
