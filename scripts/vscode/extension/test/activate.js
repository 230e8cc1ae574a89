// The extension's activation with the VS Code API stubbed (no VS Code runs here): it starts
// `wotrules lsp --rules <folder>/rules` with the settings' binary, for YAML documents under
// `rules/` and under every folder holding schema.yaml, and says so when the server fails.
"use strict";

const assert = require("assert");
const Module = require("module");
const path = require("path");

const started = [];
const shown = [];
const stubs = {
  vscode: {
    workspace: {
      workspaceFolders: [{ uri: { fsPath: "/work/project" } }],
      getConfiguration: () => ({ get: (key, fallback) => (key === "path" ? "/opt/wotrules" : fallback) }),
      findFiles: async () => [{ fsPath: "/work/project/my-rules/schema.yaml" }],
      createFileSystemWatcher: (glob) => ({ glob }),
    },
    window: { showErrorMessage: (message) => shown.push(message) },
  },
  "vscode-languageclient/node": {
    LanguageClient: class {
      constructor(id, name, server, client) {
        started.push({ id, server, client });
        this.fail = process.env.FAIL === "1";
      }
      async start() {
        if (this.fail) throw new Error("spawn /opt/wotrules ENOENT");
      }
      stop() {}
    },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return stubs[request] ?? load.call(this, request, ...rest);
};

(async () => {
  const extension = require(path.join(__dirname, "..", "extension.js"));
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(started.length, 1);
  const { server, client } = started[0];
  assert.strictEqual(server.command, "/opt/wotrules");
  assert.deepStrictEqual(server.args, ["lsp", "--rules", "/work/project/rules"]);
  const patterns = client.documentSelector.map((s) => s.pattern);
  assert.deepStrictEqual(patterns, ["**/rules/**/*.{yaml,yml}", "/work/project/my-rules/**/*.{yaml,yml}"]);
  assert.ok(client.documentSelector.every((s) => s.language === "yaml" && s.scheme === "file"));
  process.env.FAIL = "1";
  await extension.activate({ subscriptions: [] });
  assert.ok(shown[0].includes("the language server did not start"), shown[0]);
  console.log("activation: starts /opt/wotrules lsp --rules /work/project/rules for rules/** and my-rules/**; a failed start is shown");
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
