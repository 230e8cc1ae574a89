#!/bin/sh
# Drives `wotrules lsp` from Neovim (Debian's `neovim` package, 0.7 or later), headless:
# open a copy of a shipped rule file → type a typo → the diagnostic → fix it → cleared.
#   scripts/lsp/neovim.sh            # builds wotrules (release) first
# Prints each step; exit 0 when every step happened.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v nvim >/dev/null || { echo "needs nvim (apt-get install neovim)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/rules" "$work/rules"
nvim --version | head -1
WOTRULES="$here/target/release/wotrules" RULES="$work/rules" \
  FILE="$work/rules/rulings/a20111001.1-ruling-1.yaml" \
  nvim --headless --clean -n -c "luafile $here/scripts/lsp/neovim.lua"
