// The wotrules extension: starts `wotrules lsp` for the rule files of the workspace — YAML
// files under a `rules/` folder or under any folder holding `schema.yaml` — and stops it
// with the window. Everything it shows comes from the server.
"use strict";

const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

/** The document patterns the server is given: `rules/**` and every rule set found. */
async function documentSelector() {
  const selector = [{ scheme: "file", language: "yaml", pattern: "**/rules/**/*.{yaml,yml}" }];
  const schemas = await vscode.workspace.findFiles("**/schema.yaml", "**/node_modules/**", 100);
  for (const schema of schemas) {
    const folder = path.dirname(schema.fsPath).split(path.sep).join("/");
    selector.push({ scheme: "file", language: "yaml", pattern: `${folder}/**/*.{yaml,yml}` });
  }
  return selector;
}

async function activate(context) {
  const settings = vscode.workspace.getConfiguration("wotrules");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const rules = path.resolve(folder, settings.get("rules", "rules"));
  const serverOptions = {
    command: settings.get("path", "wotrules"),
    args: ["lsp", "--rules", rules],
    options: { cwd: folder },
  };
  const clientOptions = {
    documentSelector: await documentSelector(),
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}"),
    },
  };
  client = new LanguageClient("wotrules", "wotrules", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `wotrules: the language server did not start (${error.message}). ` +
        "Install wotrules (cargo install --path .) or set `wotrules.path`."
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
