#!/usr/bin/env bash
# Makes a version tag usable as a GitHub Action: commits the built bundle that action.yml
# runs (it is not committed on main) on top of the tagged commit, points the version tag
# (vX.Y.Z) and the major tag (vX, what `uses: OWNER/imgsync@vX` follows) at that commit,
# and pushes both. Run by .github/workflows/release.yml in a checkout of the tag, after
# `pnpm --filter @imgsync/lambda build`.
#
#   scripts/release-tag.sh v1.2.3        # RELEASE_REMOTE (default origin) receives the tags
set -euo pipefail

version=${1:?usage: scripts/release-tag.sh vX.Y.Z}
remote=${RELEASE_REMOTE:-origin}
if [[ ! $version =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  echo "release-tag: '$version' is not a version tag vX.Y.Z" >&2
  exit 2
fi
major="v${BASH_REMATCH[1]}"

# the file action.yml runs, e.g. packages/lambda/dist/action.mjs
bundle=$(sed -n 's/^[[:space:]]*main:[[:space:]]*//p' action.yml | head -n 1)
if [ -z "$bundle" ] || [ ! -s "$bundle" ]; then
  echo "release-tag: ${bundle:-the bundle named by runs.main in action.yml} is missing; run 'pnpm --filter @imgsync/lambda build' first" >&2
  exit 2
fi

git add --force -- "$bundle"
git -c user.name='github-actions[bot]' -c user.email='41898282+github-actions[bot]@users.noreply.github.com' \
  commit --quiet --no-verify -m "release $version: the Action's bundle ($bundle)"
git tag --force "$version"
git tag --force "$major"
git push --force "$remote" "refs/tags/$version" "refs/tags/$major"
echo "release-tag: $version and $major point at $(git rev-parse --short HEAD), which carries $bundle"
