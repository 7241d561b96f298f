#!/usr/bin/env bash
# System packages for the document readers: LibreOffice Writer (DOC/WPS -> DOCX, DOCX -> PDF) and CJK fonts.
# Idempotent: installs only what is missing. Needs root (or sudo) and Debian's apt.
set -euo pipefail
PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: already installed: ${PACKAGES[*]}"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: need root to install: ${missing[*]}" >&2; exit 1; fi
fi
echo "system-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v soffice >/dev/null && soffice --version || true
