#!/usr/bin/env bash
# Builds the zip-deploy package of the function app (docs/deploy.md): `dotnet publish` of
# src/UserSync.Functions (framework-dependent: Flex Consumption runs dotnet-isolated 10.0), zipped
# with the publish folder as the zip root, so host.json, functions.metadata, worker.config.json,
# extensions.json, .azurefunctions/ and UserSync.Functions.dll sit at the top, as the host wants.
# Usage: scripts/package.sh [OUT.zip]   (default .artifacts/usersync-functions.zip)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$repo/.artifacts/usersync-functions.zip}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

stage=$(mktemp -d /tmp/usersync-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT

dotnet publish "$repo/src/UserSync.Functions" -c Release \
  -p:DebugType=none -p:GenerateDocumentationFile=false -p:UseAppHost=false -v q -nologo -o "$stage/app" >/dev/null
for required in host.json functions.metadata worker.config.json extensions.json .azurefunctions UserSync.Functions.dll; do
  if [ ! -e "$stage/app/$required" ]; then
    echo "package.sh: the publish output has no $required" >&2
    exit 1
  fi
done

mkdir -p "$(dirname "$out")"
rm -f "$out"
# Python's zipfile, because `zip` is not on every machine; it keeps dot folders (.azurefunctions),
# which some archivers skip.
python3 - "$stage/app" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            z.write(path, os.path.relpath(path, stage))
PY
echo "$out"
