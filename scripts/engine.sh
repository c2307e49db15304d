#!/usr/bin/env bash
# Make sure a Docker Engine answers and the base image exists.
#
# This is the air-gapped path: when no Docker Engine runs, Debian's docker.io is
# installed and dockerd started in the background; when debian:bookworm-slim is
# missing and cannot be pulled, a minimal bookworm is debootstrapped from
# Debian's packages and imported under that name. Safe to run again: every step
# checks first.
set -euo pipefail

BASE_IMAGE="${PERFLAB_BASE_IMAGE:-debian:bookworm-slim}"
SUITE="${PERFLAB_SUITE:-bookworm}"
log() { printf 'engine: %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "this step needs root: $*; rerun with sudo"
    exit 1
  fi
}

apt_install() {
  need_root "apt-get install $*"
  if [ -z "${PERFLAB_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    PERFLAB_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

start_engine() {
  if docker info >/dev/null 2>&1; then
    log "docker engine answers"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    log "no dockerd: installing Debian's docker.io"
    apt_install docker.io iptables
  fi
  need_root "start dockerd"
  # Containers inherit dockerd's open-file limit: give it room for the lab's connections.
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
  # A machine restarted under a dead dockerd keeps containerd's pid file; when
  # that pid is reused by another process, dockerd waits on it and never starts
  # its own containerd. No dockerd runs here, so the file is stale.
  if ! pgrep -x dockerd >/dev/null 2>&1 && ! pgrep -x containerd >/dev/null 2>&1; then
    rm -f /var/run/docker/containerd/containerd.pid
  fi
  log "starting dockerd in the background (log: /var/log/perflab-dockerd.log)"
  nohup dockerd >/var/log/perflab-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      log "docker engine answers"
      return
    fi
    sleep 1
  done
  log "dockerd did not answer within 60 s; see /var/log/perflab-dockerd.log"
  tail -n 20 /var/log/perflab-dockerd.log >&2 || true
  exit 1
}

seed_base() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE present"
    return
  fi
  if timeout 30 docker pull "$BASE_IMAGE" >/dev/null 2>&1; then
    log "pulled $BASE_IMAGE"
    return
  fi
  log "no registry answers: seeding $BASE_IMAGE from Debian's packages (debootstrap)"
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  need_root "debootstrap"
  local mirror
  SEED_ROOT=$(mktemp -d /var/tmp/perflab-rootfs.XXXXXX)
  trap 'rm -rf "${SEED_ROOT:-}"' EXIT
  local root="$SEED_ROOT"
  mirror="${PERFLAB_DEBIAN_MIRROR:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)}"
  if [ -z "$mirror" ]; then
    mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
  fi
  mirror="${mirror:-http://deb.debian.org/debian}"
  debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >/dev/null
  # Same apt sources as the host sees, so image builds install from the same mirror.
  echo "deb $mirror $SUITE main" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  log "seeded $BASE_IMAGE"
}

# `--tests`: also the tools the test suite drives (tmux for the terminal tests,
# headless Chromium and its chromedriver for the class roster's browser test).
test_tools() {
  local need=()
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  [ "${#need[@]}" -eq 0 ] && return
  log "installing ${need[*]} for the terminal and browser tests"
  apt_install "${need[@]}"
}

start_engine
seed_base
if [ "${1:-}" = "--tests" ]; then
  test_tools
fi
