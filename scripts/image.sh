#!/usr/bin/env bash
# perflab's image, built from the perflab compiled here, and the whole course
# run unattended inside it against this machine's engine, as a learner on macOS
# or Windows runs it (`docker run ... perflab run --auto`). Exit 0 only if the
# course passes. About 5 minutes; CI runs one stage of it (tests/image.rs).
#
#   bash scripts/image.sh            (then: docker rmi perflab-local)
#   KEEP=1 bash scripts/image.sh     (keep the image, tagged perflab-local)
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 19 cargo build --release --locked -q
tag=perflab-local
lab=image-auto
state=image-auto-state
cleanup() {
  docker volume rm -f "$state" >/dev/null 2>&1 || true
  docker rmi "$tag-build" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || docker rmi "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# The build stage tagged too, so that removing both tags removes all the build made.
for target in build ""; do
  # Not the lab's own label: perflab's container inherits the image's labels, and
  # the lab's teardown would remove it while it runs.
  DOCKER_BUILDKIT=0 docker build -q --build-arg PERFLAB_BINARY=target/release/perflab \
    --label io.perflab.lab="$lab-image" ${target:+--target "$target"} -t "$tag${target:+-$target}" . >/dev/null
done
docker volume create --label io.perflab.lab="$state" "$state" >/dev/null
echo "image: perflab run --auto in $tag against this engine" >&2
docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v "$state:/state" \
  -e PERFLAB_LAB="$lab" "$tag" run --auto
