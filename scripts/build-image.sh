#!/usr/bin/env bash
# Build the soc2gate container image (Containerfile) with whichever of podman, docker or buildah works here.
#
#   scripts/build-image.sh [--offline] [--tag NAME:TAG] [--base IMAGE] [--rebuild-base]
#
# --offline   no container registry is reached: the base root filesystem is made from Debian packages with
#             mmdebstrap (suite and mirror from this machine's apt sources), imported as
#             localhost/soc2gate-base:SUITE, and the Python dependencies come from a wheelhouse built on
#             this machine (pip wheel), mounted into the build, so the build step itself needs no network.
# --tag       image name (default localhost/soc2gate:VERSION)
# --base      base image for a normal build (default: the Containerfile's python:3.11-slim-bookworm)
# EXTRAS=webhook,audit in the environment adds the Kubernetes client (soc2gate audit --in-cluster).
#
# The last line printed is the image reference with its digest (NAME:TAG@sha256:...).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
tag="localhost/soc2gate:${version}"
offline=0 base="" rebuild_base=0
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=1 ;;
    --tag) tag="$2"; shift ;;
    --base) base="$2"; shift ;;
    --rebuild-base) rebuild_base=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build-image.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "build-image.sh: $*" >&2; }

pick_builder() {
  if command -v podman >/dev/null 2>&1; then echo podman; return; fi
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then echo docker; return; fi
  if command -v buildah >/dev/null 2>&1; then echo buildah; return; fi
  log "no container builder: install podman (apt-get install podman runc), docker or buildah"; exit 2
}

builder=$(pick_builder)
# podman/buildah here: crun refuses this machine's hybrid cgroups and the default ulimits cannot be raised.
extra=()
if [ "$builder" != docker ]; then
  command -v runc >/dev/null 2>&1 && extra+=(--runtime runc)
  extra+=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
fi

apt_source() {  # prints "SUITE MIRROR" of this machine's Debian sources
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    # the first stanza (the main archive, not -security): its first suite and URI
    awk 'BEGIN{RS=""} NR==1{for(i=1;i<=NF;i++){if($i=="URIs:")u=$(i+1); if($i=="Suites:")s=$(i+1)}} END{if(u&&s)print s, u}' "$file"
    return
  done
  awk '$1=="deb"{print $3, $2; exit}' /etc/apt/sources.list
}

make_base() {
  read -r suite mirror < <(apt_source)
  [ -n "${suite:-}" ] || { log "cannot read the Debian suite and mirror from /etc/apt"; exit 2; }
  local image="localhost/soc2gate-base:${suite}"
  if [ "$rebuild_base" = 0 ] && "$builder" image exists "$image" 2>/dev/null; then echo "$image"; return; fi
  command -v mmdebstrap >/dev/null 2>&1 || { log "--offline needs mmdebstrap (apt-get install mmdebstrap)"; exit 2; }
  log "making $image from $mirror ($suite) with mmdebstrap"
  local rootfs
  rootfs=$(mktemp --suffix=.tar)
  trap 'rm -f "$rootfs"' RETURN
  mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates --components=main \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
    "$suite" "$rootfs" "$mirror" >&2
  "$builder" import --change 'CMD ["/bin/bash"]' "$rootfs" "$image" >/dev/null
  echo "$image"
}

make_wheelhouse() {  # wheels for the base's Python, built with this machine's pip (its index and CA settings)
  local python=${PYTHON:-python3} wheels=build/wheels
  local want have
  want=$("$builder" run --rm "${extra[@]}" "$1" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  [ "$want" = "$have" ] || { log "the base has Python $want but $python is $have: set PYTHON=python$want"; exit 2; }
  rm -rf "$wheels" && mkdir -p "$wheels"
  log "building the wheelhouse in $wheels"
  "$python" -m pip wheel --quiet --wheel-dir "$wheels" ".[${EXTRAS:-webhook}]" >&2
  echo "$PWD/$wheels"
}

args=(--build-arg "EXTRAS=${EXTRAS:-webhook}" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" -f Containerfile -t "$tag")
if [ "$offline" = 1 ]; then
  [ "$builder" != docker ] || { log "--offline needs podman or buildah (image import and build volumes)"; exit 2; }
  base=$(make_base)
  wheels=$(make_wheelhouse "$base")
  args+=(--build-arg "BASE_IMAGE=$base" --build-arg "PIP_OPTIONS=--no-index --find-links /wheels"
         --volume "$wheels:/wheels:ro")
elif [ -n "$base" ]; then
  args+=(--build-arg "BASE_IMAGE=$base")
fi

log "building $tag with $builder"
case "$builder" in
  podman) podman build --quiet "${extra[@]}" "${args[@]}" . >/dev/null ;;
  buildah) buildah bud --quiet "${extra[@]}" "${args[@]}" . >/dev/null ;;
  docker) docker build --quiet "${args[@]}" . >/dev/null ;;
esac

digest=$("$builder" image inspect --format '{{.Digest}}' "$tag" 2>/dev/null || true)
size=$("$builder" image inspect --format '{{.Size}}' "$tag" 2>/dev/null || echo 0)
log "image $tag: $((size / 1000000)) MB, digest ${digest:-unknown}"
echo "${tag}@${digest}"
