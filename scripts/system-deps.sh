#!/usr/bin/env bash
# Install the system packages familyplan-docs needs for PDFs and its tests:
# LibreOffice Writer and Calc (PDF conversion, workbook round trip), python3-uno (the UNO
# bridge the warm LibreOffice pool drives it with; without it every PDF run starts its own
# soffice, which is slower but works), poppler-utils
# (pdftotext, pdftoppm), metric-compatible fonts and Noto (Arabic and other scripts), FriBiDi
# (right-to-left text on the network map), Node.js and npm (the tests check the JSON Schema
# with ajv, as a JavaScript client would). Debian/Ubuntu only; elsewhere it
# says what to install. Does nothing when everything is already there.
set -euo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer libreoffice-calc)
# the pool's helper runs under the system Python, which needs LibreOffice's uno module
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing+=(fonts-liberation)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
command -v make >/dev/null 2>&1 || missing+=(make)
# Node.js: the tests validate plans with ajv, the JavaScript JSON Schema validator
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# FriBiDi: Pillow's Raqm text layout loads it at run time to order right-to-left text.
ldconfig -p 2>/dev/null | grep -q 'libfribidi\.so\.0' || missing+=(libfribidi0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: LibreOffice (Writer, Calc) with its Python UNO bridge, poppler-utils, Liberation fonts, Node.js" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
