#!/bin/sh
# azd prepackage hook (azure.yaml, service "usersync"). Builds the function app zip with
# scripts/package.sh (self-contained linux-x64 handler under handler/, host.json and the function
# folders at the root) and unpacks it into .artifacts/usersync-functions, the service's `dist`.
# Unix modes are restored on unpacking, so handler/UserSync.Functions stays executable.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
zip="$repo/.artifacts/usersync-functions.zip"
dist="$repo/.artifacts/usersync-functions"

"$repo/scripts/package.sh" "$zip" >/dev/null
rm -rf "$dist"
mkdir -p "$dist"
python3 - "$zip" "$dist" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(source) as archive:
    for entry in archive.infolist():
        path = archive.extract(entry, target)
        mode = (entry.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
PY
test -x "$dist/handler/UserSync.Functions"
echo "staged $dist (from $zip)"
