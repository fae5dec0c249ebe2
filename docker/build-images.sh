#!/usr/bin/env bash
# Builds the image of each Vigie service (all by default): bash docker/build-images.sh [service...]
#   VIGIE_IMAGE_REGISTRY  registry prefix of the images (default: registry.vigie.example)
#   VIGIE_IMAGE_TAG       tag (default: the version in package.json)
#   CONTAINER_ENGINE      docker, podman or buildah (default: the first one found)
#   VIGIE_PUSH=1          push after building
# Extra arguments for the engine (e.g. --build-arg NODE_IMAGE=...) go in VIGIE_BUILD_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(gateway identity ingestion ontology analytics audit)
registry=${VIGIE_IMAGE_REGISTRY:-registry.vigie.example}
tag=${VIGIE_IMAGE_TAG:-$(node -p "require('./package.json').version")}
[ "$tag" != latest ] || { echo "refusing the tag latest: pin a version" >&2; exit 64; }

engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  for candidate in docker podman buildah; do
    if command -v "$candidate" > /dev/null; then engine=$candidate; break; fi
  done
fi
[ -n "$engine" ] || { echo "no container engine (docker, podman or buildah) on this machine" >&2; exit 69; }

npx nx run-many -t build -p "$(IFS=,; echo "${services[*]}")"

for service in "${services[@]}"; do
  [ -f "dist/apps/$service/main.js" ] || { echo "dist/apps/$service/main.js missing after the build" >&2; exit 1; }
  image="$registry/vigie/$service:$tag"
  echo "building $image with $engine"
  build=(build)
  [ "$engine" = buildah ] && build=(bud)
  # shellcheck disable=SC2086 # VIGIE_BUILD_ARGS is a list of arguments
  "$engine" "${build[@]}" -f docker/Dockerfile --build-arg "SERVICE=$service" --build-arg "VERSION=$tag" \
    ${VIGIE_BUILD_ARGS:-} -t "$image" .
  if [ "${VIGIE_PUSH:-0}" = 1 ]; then "$engine" push "$image"; fi
done
