#!/usr/bin/env bash
# The published @imgsync/core from a consumer's point of view: `pnpm pack` the package,
# install the tarball (and only it, with its dependencies from the npm registry) in a
# scratch project, and type-check a small program against it with skipLibCheck off.
# Run after `pnpm build`. Usage: bash scripts/consumer-typecheck.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$root/packages/core" && pnpm pack --pack-destination "$scratch" >/dev/null)
tarball="$(ls "$scratch"/imgsync-core-*.tgz)"
listing="$(tar -tzf "$tarball")"
grep -qx 'package/README.md' <<<"$listing" || { echo "consumer-typecheck: the tarball has no README.md" >&2; exit 1; }
cd "$scratch"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' > package.json
typescript="$(node -p "require('$root/package.json').devDependencies.typescript")"
npm install --no-audit --no-fund --loglevel=error "$tarball" "typescript@$typescript" "@types/node@20" >/dev/null
cat > main.ts <<'TS'
import { loadConfig, parseYaml, runFleet, runUpdate, type ImgsyncConfig, type UpdateResult } from '@imgsync/core';
const file = parseYaml('images: []\n', { path: 'images.yml' });
const images: unknown = file.getIn(['images']);
const config: ImgsyncConfig = await loadConfig({ path: 'imgsync.config.yaml' });
const result: UpdateResult = await runUpdate({ config, dryRun: true });
if (config.fleet) await runFleet({ config, dryRun: true });
console.log(images, result.changed);
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "skipLibCheck": false, "noEmit": true, "types": ["node"] }, "files": ["main.ts"] }
JSON
npx tsc -p .
echo "consumer-typecheck: @imgsync/core type-checks in a consumer's project (skipLibCheck: false)"
