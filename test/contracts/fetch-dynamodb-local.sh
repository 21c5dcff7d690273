#!/bin/sh
# Fetches AWS's DynamoDB Local (Java 17) for the store contract tests, once, without installing
# the npm package's 350 MB of dependencies (DESIGN §12). Idempotent; prints the folder it fills.
set -eu
version=2.9.30
dir="${TANDEM_DYNAMODB_LOCAL_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/node_modules/.cache/dynamodb-local/emulator}"
if [ -f "$dir/DynamoDBLocal.jar" ]; then echo "$dir"; exit 0; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "amplify-dynamodb-simulator@$version" --silent >/dev/null)
mkdir -p "$work/x"
tar -xzf "$work/amplify-dynamodb-simulator-$version.tgz" -C "$work/x" --strip-components=1 package/emulator
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$work/x/emulator" "$dir"
echo "$dir"
