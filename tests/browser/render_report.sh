#!/usr/bin/env bash
# Renders an `ember describe --html` report in headless Chromium and checks
# that the screenshot is a real picture: a PNG (by its signature), of the
# requested size (from its IHDR header) and not blank (a blank page of that
# size compresses to a few KB; the report's text, charts and heatmap do not).
# Uses only coreutils and od.
#
#   tests/browser/render_report.sh EMBER CHROMIUM DATA.csv TARGET WORKDIR
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: $0 EMBER CHROMIUM DATA.csv TARGET WORKDIR" >&2
  exit 2
fi
ember=$1 chromium=$2 data=$3 target=$4 work=$5
mkdir -p "$work"
report=$(cd "$work" && pwd)/describe_report.html
png=$(cd "$work" && pwd)/describe_report.png
rm -f "$report" "$png"

"$ember" describe "$data" --target "$target" --html "$report" >/dev/null
# A private profile directory, so that runs do not share browser state.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$profile" --window-size=1200,3000 --screenshot="$png" "file://$report" \
  >/dev/null 2>&1 || true

fail() {
  echo "describe_html_renders: $*" >&2
  exit 1
}
[ -s "$png" ] || fail "no screenshot at $png"
signature=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
[ "$signature" = "89504e470d0a1a0a" ] || fail "not a PNG (signature $signature)"
# IHDR: width and height are big-endian 32-bit integers at bytes 16 and 20.
width=$((16#$(od -An -tx1 -j16 -N4 "$png" | tr -d ' \n')))
height=$((16#$(od -An -tx1 -j20 -N4 "$png" | tr -d ' \n')))
[ "$width" -ge 1000 ] && [ "$height" -ge 2000 ] || fail "unexpected size ${width}x${height}"
bytes=$(stat -c %s "$png")
[ "$bytes" -gt 60000 ] || fail "the screenshot is nearly blank ($bytes bytes)"
echo "describe_html_renders: $png ${width}x${height}, $bytes bytes"
