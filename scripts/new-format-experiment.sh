#!/usr/bin/env bash
# What adding a format touches, measured: in a scratch copy of the tree, add a copy of the
# kustomize adapter as a new format `kustomize-next` the way CONTRIBUTING.md says (its
# folder, one entry in formats/all-formats.ts), regenerate the JSON Schema, then print the
# files that changed and every test that fails. Expected: three files (the folder's
# index.ts, all-formats.ts, the schema) and one failing test, the README check that the
# configuration reference lists every format value (the manual must name the new one).
# Not run by CI: it builds and runs the whole suite once more (some minutes).
# Usage: bash scripts/new-format-experiment.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$root" && tar --exclude=.git -cf - .) | (cd "$scratch" && tar xf -)
cd "$scratch"
git init -q && git add -A && git -c user.email=x@example.invalid -c user.name=x commit -qm base
formats=packages/core/src/formats
mkdir "$formats/kustomize-next"
sed -e "s/export const kustomizeFormat: FormatAdapter<'kustomize'> = {/export const kustomizeNextFormat: FormatAdapter<'kustomize-next'> = {/" \
  -e "s/  name: 'kustomize',/  name: 'kustomize-next',/" -e "s/  title: 'Kustomize',/  title: 'Kustomize (next)',/" \
  -e "s/  detectOrder: 20,/  detectOrder: 95,/" "$formats/kustomize/index.ts" >"$formats/kustomize-next/index.ts"
sed -i -e "s#^import { markersFormat } from './markers/index.js';#import { kustomizeNextFormat } from './kustomize-next/index.js';\n&#" \
  -e "s#^  markersFormat,\$#&\n  kustomizeNextFormat,#" "$formats/all-formats.ts"
grep -q kustomizeNextFormat, "$formats/all-formats.ts" || { echo "new-format-experiment: all-formats.ts has changed shape; update this script" >&2; exit 1; }
npx tsc -p tsconfig.json --noEmit
pnpm build >/dev/null
cp packages/core/dist/imgsync.schema.json packages/core/schema/imgsync.schema.json
git add -A
echo "files touched:"
git status --short
echo "tests failing:"
npx vitest run 2>&1 | grep -a -E ' FAIL |Test Files' | sort -u || true
