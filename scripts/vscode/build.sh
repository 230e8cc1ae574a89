#!/bin/sh
# The VS Code extension (scripts/vscode/extension/): its npm dependencies, the grammar tests
# (vscode-tmgrammar-test on test/*.test.yaml, and test/shipped.js over the shipped rule
# files, both with VS Code's own YAML grammar from tm-grammars), then the .vsix
# (@vscode/vsce). Needs node and npm (Debian: apt-get install nodejs npm).
#   scripts/vscode/build.sh      # → scripts/vscode/extension/wotrules.vsix
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here/scripts/vscode/extension"
command -v npm >/dev/null || { echo "needs npm (apt-get install npm)" >&2; exit 2; }
npm ci --no-audit --no-fund --loglevel=error
cp node_modules/tm-grammars/grammars/yaml.json test/yaml.tmLanguage.json
npx vscode-tmgrammar-test -g test/yaml.tmLanguage.json -g syntaxes/wotrules.tmLanguage.json \
  -g syntaxes/wotrules.injection.json 'test/*.test.yaml'
node test/shipped.js
node test/activate.js
npx vsce package --out wotrules.vsix
unzip -l wotrules.vsix | grep -E "extension.js|syntaxes/|vscode-languageclient/package.json"
