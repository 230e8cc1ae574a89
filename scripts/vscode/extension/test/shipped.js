// The grammar on the shipped rule files: every line of a `value:`, `when:` or `then:`
// expression (on its line, or a block below it) is coloured as the rule language, and no
// other line is (a `cite:`, a `template:`, a comment, a key). Run by scripts/vscode/build.sh.
"use strict";

const fs = require("fs");
const path = require("path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = __dirname;
const rules = path.resolve(here, "../../../../rules");
const grammars = {
  "source.yaml": path.join(here, "yaml.tmLanguage.json"),
  "source.wotrules": path.join(here, "../syntaxes/wotrules.tmLanguage.json"),
  "wotrules.injection": path.join(here, "../syntaxes/wotrules.injection.json"),
};
const EMBEDDED = "meta.embedded.expression.wotrules";

function ruleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "tests" ? [] : ruleFiles(full);
    return entry.name.endsWith(".yaml") && entry.name !== "schema.yaml" ? [full] : [];
  });
}

/** Which lines hold an expression, read as YAML is written in the rule files. */
function expressionLines(lines) {
  const expected = [];
  let block = null; // the indentation of the key whose block scalar is being read
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const key = /^\s*(?:-\s+)?([A-Za-z_][\w-]*):(?:\s|$)/.exec(line);
    if (block !== null && line.trim() !== "" && (indent <= block || key)) block = null;
    if (block !== null) {
      expected.push(line.trim() !== "");
      continue;
    }
    const expression = /^(\s*(?:-\s+)?)(value|when|then):\s*(.*)$/.exec(line);
    if (expression && /^[>|]/.test(expression[3])) {
      block = expression[1].length;
      expected.push(false);
    } else {
      expected.push(Boolean(expression) && expression[3] !== "" && !/^["'#]/.test(expression[3]));
    }
  }
  return expected;
}

async function main() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      grammars[scope]
        ? textmate.parseRawGrammar(fs.readFileSync(grammars[scope], "utf8"), grammars[scope])
        : null,
    getInjections: (scope) => (scope === "source.yaml" ? ["wotrules.injection"] : []),
  });
  const grammar = await registry.loadGrammar("source.yaml");
  let failures = 0;
  let coloured = 0;
  let plain = 0;
  const files = ruleFiles(rules).sort();
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const expected = expressionLines(lines);
    let stack = textmate.INITIAL;
    lines.forEach((line, index) => {
      const result = grammar.tokenizeLine(line, stack);
      stack = result.ruleStack;
      const content = result.tokens.filter((t) => line.slice(t.startIndex, t.endIndex).trim() !== "");
      const embedded = content.filter((t) => t.scopes.includes(EMBEDDED));
      const isExpression = expected[index];
      // An expression line: from its first character of the expression to its end (a
      // trailing comment aside); any other line: nothing.
      const ok = isExpression
        ? embedded.length > 0 && content.slice(content.indexOf(embedded[0])).every(
            (t) => t.scopes.includes(EMBEDDED) || t.scopes.some((s) => s.startsWith("comment")))
        : embedded.length === 0;
      if (isExpression) coloured += 1; else plain += 1;
      if (!ok) {
        failures += 1;
        console.log(`${path.relative(rules, file)}:${index + 1}: ${isExpression ? "not coloured" : "coloured"}: ${line.trim()}`);
      }
    });
  }
  console.log(`${files.length} shipped rule files: ${coloured} expression lines coloured, ${plain} other lines left as YAML, ${failures} wrong`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
