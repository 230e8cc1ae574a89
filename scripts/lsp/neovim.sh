#!/bin/sh
# Drives `wotrules lsp` from a real Neovim (Debian's `neovim` package: 0.7.2 on Debian 12),
# headless, configured by the README's snippet taken verbatim (between its
# `neovim-snippet` markers) as init.lua: open a copy of a shipped rule file → type a typo →
# the diagnostic → its quick fix → cleared → hover → rename a definition across the rule
# set → `wotrules check` and `wotrules test` on the files Neovim wrote.
#   scripts/lsp/neovim.sh            # builds wotrules (release) first
# Prints each step; exit 0 when every step happened.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v nvim >/dev/null || { echo "needs nvim (apt-get install neovim)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/rules" "$work/rules"
awk '/<!-- neovim-snippet/ {on=1; next} /<!-- end of neovim-snippet/ {on=0} on && !/^```/' \
  "$here/README.md" > "$work/init.lua"
test -s "$work/init.lua" || { echo "no neovim-snippet in README.md" >&2; exit 2; }
nvim --version | head -1
cd "$work"
PATH="$here/target/release:$PATH" RULES="$work/rules" \
  FILE="$work/rules/rulings/a20111001.1-ruling-1.yaml" RENAMED="$work/rules/ap/member.yaml" \
  nvim --headless -u "$work/init.lua" -i NONE -n -c "luafile $here/scripts/lsp/neovim.lua"
echo "after the rename, as Neovim saved the files:"
"$here/target/release/wotrules" check --rules "$work/rules" --strict
"$here/target/release/wotrules" test --rules "$work/rules" | tail -1
if grep -rq "experience_points" "$work/rules"; then
  echo "FAILED: a file still names experience_points" >&2; exit 1
fi
echo ok
