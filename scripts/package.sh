#!/usr/bin/env bash
# Builds the deployable zip of the function app (README "Deploying the function app"):
#   handler/      self-contained linux-x64 publish of src/UserSync.Functions (executable bit kept)
#   host.json     from the repository root
#   <Function>/function.json   one folder per function, from src/UserSync.Functions/functions/
# Usage: scripts/package.sh [OUT.zip]   (default .artifacts/usersync-functions.zip)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$repo/.artifacts/usersync-functions.zip}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

stage=$(mktemp -d /tmp/usersync-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT

dotnet publish "$repo/src/UserSync.Functions" -c Release -r linux-x64 --self-contained true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -v q -nologo -o "$stage/handler" >/dev/null
chmod 755 "$stage/handler/UserSync.Functions"
cp "$repo/host.json" "$stage/"
cp -r "$repo/src/UserSync.Functions/functions/." "$stage/"

mkdir -p "$(dirname "$out")"
rm -f "$out"
# Zipped here (on Linux) with the Unix mode in each entry, so the handler stays executable after
# the platform unpacks it. Python's zipfile is used because `zip` is not on every machine.
python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, stage))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
echo "$out"
