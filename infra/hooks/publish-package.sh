#!/bin/sh
# azd postdeploy hook (azure.yaml, service "usersync"). Publishes the zip that scripts/package.sh
# built, byte for byte, with the Azure CLI (one deploy to the Flex Consumption app).
#
# Why a second upload: azd's function-app target re-zips `dist` itself, its zip writer (pkg/rzip
# in the azd source) writes no Unix file modes, and Flex Consumption runs the package from a
# read-only mount. After azd's upload alone, handler/UserSync.Functions may not be executable and
# the host cannot start the custom handler; package.sh's zip marks it 755.
# Remove this hook once azd keeps file modes.
set -eu
: "${AZURE_RESOURCE_GROUP:?is set by azd from the provisioning outputs: run this through azd deploy or azd up}"
: "${AZURE_FUNCTION_APP_NAME:?is set by azd from the provisioning outputs: run this through azd deploy or azd up}"
repo=$(cd "$(dirname "$0")/../.." && pwd)
zip="$repo/.artifacts/usersync-functions.zip"

if [ ! -f "$zip" ]; then
  echo "publish-package: $zip is missing; the prepackage hook (infra/hooks/stage-package.sh) builds it" >&2
  exit 1
fi
if ! command -v az >/dev/null 2>&1; then
  echo "publish-package: the Azure CLI (az) is required to publish the package (docs/deploy.md, prerequisites)" >&2
  exit 1
fi

az functionapp deployment source config-zip \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$AZURE_FUNCTION_APP_NAME" \
  --src "$zip" \
  --output none
echo "published $zip to $AZURE_FUNCTION_APP_NAME"
