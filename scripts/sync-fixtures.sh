#!/usr/bin/env bash
# Copies the shared real-data corpus and the YAML test suite's valid inputs into
# fixtures/, so that a fresh clone runs its tests without ../shared/. Run it again when
# new files appear in ../shared/corpus/: existing files are kept, new ones are added.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$here/../shared}
mkdir -p "$here/fixtures/corpus" "$here/fixtures/yaml-test-suite"
cp -n "$shared"/corpus/* "$here/fixtures/corpus/" 2>/dev/null || true
cp "$shared/corpus/SOURCES.tsv" "$here/fixtures/corpus/SOURCES.tsv"
cp -n "$shared"/yaml-test-suite/* "$here/fixtures/yaml-test-suite/" 2>/dev/null || true
chmod -R u+w "$here/fixtures"
echo "corpus: $(ls "$here/fixtures/corpus" | wc -l) files; yaml-test-suite: $(ls "$here/fixtures/yaml-test-suite" | wc -l) files"
