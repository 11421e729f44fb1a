#!/usr/bin/env bash
# System packages the build and the tests need, from Debian: Chromium prints the calendar PDFs and
# runs the browser tests; the fonts draw Hebrew and other scripts; poppler-utils reads PDFs back.
# Installs only what is missing. Needs root (apt-get); otherwise says what to install.
set -euo pipefail
packages=(chromium fonts-dejavu-core fonts-noto-core poppler-utils)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${missing[*]}. Install them (Debian: sudo apt-get install ${missing[*]})." >&2
    exit 1
fi
echo "Installing ${missing[*]} …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
