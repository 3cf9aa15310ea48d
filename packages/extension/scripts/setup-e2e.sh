#!/usr/bin/env bash
# Installs what the extension's end-to-end test needs: Debian packages (native build deps of
# code-server, ripgrep, chromium) and code-server 4.100.3 (= VS Code 1.100.3) into an ignored
# folder, so it never enters the product's dependency tree. Idempotent; cached between runs.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/.cache/code-server"
version=4.100.3

need=()
for pkg in libkrb5-dev build-essential pkg-config libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# node_modules.asar is the last thing code-server's postinstall makes: its presence means a complete install.
if [ -e "$dest/node_modules/code-server/lib/vscode/node_modules.asar" ] &&
  grep -q "\"version\": \"$version\"" "$dest/node_modules/code-server/package.json"; then
  echo "code-server $version already in $dest"
  exit 0
fi
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{ "name": "tfscale-e2e-code-server", "private": true }' > "$dest/package.json"
# @vscode/ripgrep downloads rg from GitHub at install unless its cache already holds the tarball:
# give it Debian's rg instead (no network beyond the npm registry).
tmp="$dest/tmp"
cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tar -C /usr/bin -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
# code-server's postinstall refuses root without unsafe-perm; node-pty's calls `npx node-gyp`.
# npm 11 blocks dependency install scripts by default; code-server's postinstall runs nested
# `npm install`s (VS Code's native modules) that need theirs, so this throwaway folder allows all.
cd "$dest"
rm -rf node_modules
TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_dangerously_allow_all_scripts=true \
  npm install --prefix "$dest" --no-audit --no-fund "code-server@$version"
echo "code-server $version installed in $dest"
