//! `wotrules lsp`, driven in-process over JSON-RPC (`lsp_server::Connection::memory`): a
//! typo is reported at its range with its did-you-mean and cleared when fixed; hover,
//! go to definition, references, completion and symbols answer from the rules.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{copy_dir, root};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value as Json, json};
use wotrules_lsp::path_to_uri;

/// A server on a copy of the shipped rules, and the client's end.
pub(crate) struct Session {
    pub(crate) client: Connection,
    pub(crate) rules: PathBuf,
    next_id: i32,
    server: Option<std::thread::JoinHandle<()>>,
    pub(crate) dir: tempfile::TempDir,
}

impl Session {
    pub(crate) fn start() -> Self {
        Self::start_for(None)
    }

    /// A server started for `served` (a folder of the session's directory; the copy of the
    /// rules when `None`).
    pub(crate) fn start_for(served: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let rules = dir.path().join("rules");
        copy_dir(&root().join("rules"), &rules);
        let rules = std::fs::canonicalize(&rules).expect("a real path");
        let (server, client) = Connection::memory();
        let served = served.map_or_else(|| rules.clone(), |folder| dir.path().join(folder));
        let server = std::thread::spawn(move || {
            wotrules_lsp::serve(&server, served).expect("the server runs");
        });
        let mut session = Self {
            client,
            rules,
            next_id: 0,
            server: Some(server),
            dir,
        };
        session.request("initialize", json!({"capabilities": {}}));
        session.notify("initialized", json!({}));
        session
    }

    pub(crate) fn uri(&self, file: &str) -> String {
        path_to_uri(&self.rules.join(file))
            .expect("a URI")
            .as_str()
            .to_string()
    }

    pub(crate) fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.rules.join(file)).expect("a rule file")
    }

    pub(crate) fn notify(&self, method: &str, params: Json) {
        let message = Message::Notification(Notification::new(method.into(), params));
        self.client
            .sender
            .send(message)
            .expect("the server listens");
    }

    /// Sends a request and returns its result, setting aside notifications on the way.
    pub(crate) fn request(&mut self, method: &str, params: Json) -> Json {
        self.request_result(method, params)
            .unwrap_or_else(|error| panic!("{method}: {error}"))
    }

    /// Sends a request and returns its result or its error's message.
    pub(crate) fn request_result(&mut self, method: &str, params: Json) -> Result<Json, String> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let message = Message::Request(Request::new(id.clone(), method.into(), params));
        self.client
            .sender
            .send(message)
            .expect("the server listens");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return response.response_result.map_err(|error| error.message);
                }
                _ => continue,
            }
        }
    }

    pub(crate) fn receive(&self) -> Message {
        self.client
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// The next diagnostics published for `uri`.
    pub(crate) fn diagnostics_for(&self, uri: &str) -> Vec<Json> {
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    pub(crate) fn open(&self, file: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": self.uri(file), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    pub(crate) fn change(&self, file: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri(file), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `{textDocument, position}` at the first `needle` of `file`'s text, `offset` bytes in.
    pub(crate) fn at(&self, file: &str, text: &str, needle: &str, offset: usize) -> Json {
        let (line, column) = position_of(text, needle, offset);
        json!({"textDocument": {"uri": self.uri(file)}, "position": {"line": line, "character": column}})
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.request("shutdown", Json::Null);
        self.notify("exit", Json::Null);
        if let Some(server) = self.server.take() {
            server.join().expect("the server stops");
        }
    }
}

/// 0-based line and UTF-16 column of `needle` in `text`, `offset` bytes into it.
pub(crate) fn position_of(text: &str, needle: &str, offset: usize) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"))
        + offset;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].encode_utf16().count())
}

pub(crate) const RULING: &str = "rulings/a20111001.1-ruling-1.yaml";

#[test]
fn a_typo_is_reported_at_its_range_and_cleared_when_fixed() {
    let session = Session::start();
    let uri = session.uri(RULING);
    let good = session.text(RULING);
    let typo = good.replacen(
        "then: min(35, record.awarded)",
        "then: min(35, record.awardd)",
        1,
    );
    session.open(RULING, &typo);
    let diagnostics = session.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    let message = diagnostic["message"].as_str().expect("a message");
    assert!(
        message.starts_with("unknown field `record.awardd`"),
        "{message}"
    );
    assert!(
        message.contains("help: did you mean `record.awarded`?"),
        "{message}"
    );
    assert_eq!(diagnostic["severity"], 1, "an error");
    let (line, column) = position_of(&typo, "record.awardd", 0);
    let range = &diagnostic["range"];
    assert_eq!(range["start"]["line"], line);
    let start = range["start"]["character"].as_u64().expect("a column") as usize;
    let end = range["end"]["character"].as_u64().expect("a column") as usize;
    assert!(
        start >= column && end <= column + "record.awardd".len() && start < end,
        "{range} covers `record.awardd` at {line}:{column}"
    );

    session.change(RULING, 2, &good);
    assert_eq!(session.diagnostics_for(&uri), Vec::<Json>::new(), "cleared");
}

#[test]
fn a_rule_test_and_a_case_file_are_checked_from_their_unsaved_text() {
    let session = Session::start();
    let test_file = "tests/ap-member.yaml";
    let broken = session
        .text(test_file)
        .replacen("level: assured}", "level: asured}", 1);
    session.open(test_file, &broken);
    let diagnostics = session.diagnostics_for(&session.uri(test_file));
    assert!(
        diagnostics
            .iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains("asured"))),
        "{diagnostics:#?}"
    );
    let case = "tests/cases/topup.yaml";
    let broken = session.text(case).replacen("as_of: ", "as_of: 2011-13-", 1);
    session.open(case, &broken);
    assert!(!session.diagnostics_for(&session.uri(case)).is_empty());
}

#[test]
fn hover_names_type_scope_cite_and_file_of_a_definition_a_field_and_a_builtin() {
    let mut session = Session::start();
    let text = session.text(RULING);
    let hover = |session: &mut Session, needle: &str, offset: usize| {
        let params = session.at(RULING, &text, needle, offset);
        let result = session.request("textDocument/hover", params);
        result["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let definition = hover(&mut session, "then: record.ruling_1_reapply_points", 14);
    assert!(
        definition.starts_with("**record.ruling_1_reapply_points**: `int`, a record definition"),
        "{definition}"
    );
    assert!(
        definition.contains("a20111001.1 ruling #1, step 4 b.5"),
        "{definition}"
    );
    assert!(
        definition.contains("rulings/a20111001.1-ruling-1.yaml:"),
        "{definition}"
    );
    let field = hover(&mut session, "record.awarded > 0", 8);
    assert!(field.starts_with("**record.awarded**: `int`"), "{field}");
    assert!(field.contains("points the assurer gave"), "{field}");
    let builtin = hover(&mut session, "min(35", 1);
    assert!(
        builtin.starts_with("**min** `(int, int) → int"),
        "{builtin}"
    );
    let outcome = hover(&mut session, "outcome: on-hold", 11);
    assert!(
        outcome.contains("enumeration `reapply_outcome`"),
        "{outcome}"
    );
    assert!(outcome.contains("record.ruling_1_reapply"), "{outcome}");
}

#[test]
fn go_to_definition_follows_a_name_and_an_override_target() {
    let mut session = Session::start();
    let text = session.text(RULING);
    let params = session.at(RULING, &text, "target: record.reapply_points", 16);
    let location = session.request("textDocument/definition", params);
    assert_eq!(location["uri"], session.uri("ap/points.yaml"));
    let points = session.text("ap/points.yaml");
    let line = location["range"]["start"]["line"].as_u64().expect("a line") as usize;
    assert_eq!(
        points.lines().nth(line).map(str::trim),
        Some("reapply_points:")
    );
    let params = session.at(RULING, &text, "then: record.ruling_1_reapply_points", 14);
    let location = session.request("textDocument/definition", params);
    assert_eq!(location["uri"], session.uri(RULING));
    let line = location["range"]["start"]["line"].as_u64().expect("a line") as usize;
    assert_eq!(
        text.lines().nth(line).map(str::trim),
        Some("ruling_1_reapply_points:")
    );
}

#[test]
fn references_find_every_use_and_override_of_a_definition() {
    let mut session = Session::start();
    let text = session.text(RULING);
    let mut params = session.at(RULING, &text, "when: record.reapply == \"eligible\"", 14);
    params["context"] = json!({"includeDeclaration": true});
    let found = session.request("textDocument/references", params);
    let found = found.as_array().expect("locations");
    let uri = |file: &str| session.uri(file);
    let in_file = |file: &str| found.iter().filter(|l| l["uri"] == uri(file)).count();
    // Its definition in ap/points.yaml, and in the ruling: the override's target, every
    // `record.reapply ==` of its conditions and the `r.reapply` of an aggregation.
    let uses = text.matches(".reapply ").count() + text.matches(".reapply\n").count();
    assert_eq!(uses, 4);
    assert!(in_file("ap/points.yaml") >= 1, "{found:#?}");
    let lines: Vec<_> = found
        .iter()
        .filter(|l| l["uri"] == uri(RULING))
        .map(|l| l["range"]["start"]["line"].clone())
        .collect();
    assert_eq!(in_file(RULING), uses, "{lines:?}");
}

#[test]
fn completion_offers_fields_and_definitions_after_a_dot_and_outcomes_in_an_outcome() {
    let mut session = Session::start();
    let text =
        session
            .text(RULING)
            .replacen("then: min(35, record.awarded)", "then: min(35, record.)", 1);
    session.open(RULING, &text);
    let labels = |result: Json| -> Vec<String> {
        result
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["label"].as_str().expect("a label").to_string())
            .collect()
    };
    let params = session.at(RULING, &text, "record.)", 7);
    let after_dot = labels(session.request("textDocument/completion", params));
    for expected in [
        "awarded",
        "points",
        "location",
        "reapply",
        "ruling_1_reapply_points",
    ] {
        assert!(
            after_dot.contains(&expected.to_string()),
            "{expected}: {after_dot:?}"
        );
    }
    assert!(
        !after_dot.contains(&"dob".to_string()),
        "a member field: {after_dot:?}"
    );
    let params = session.at(RULING, &text, "outcome: not-eligible", 9);
    let outcomes = labels(session.request("textDocument/completion", params));
    assert_eq!(outcomes, ["eligible", "not-eligible", "on-hold"]);
    let params = session.at(RULING, &text, "value: record.when", 7);
    let elsewhere = labels(session.request("textDocument/completion", params));
    assert!(
        elsewhere.contains(&"parse_date".to_string()),
        "{elsewhere:?}"
    );
}

#[test]
fn document_symbols_are_the_definitions_and_overrides_of_the_file() {
    let mut session = Session::start();
    let params = json!({"textDocument": {"uri": session.uri(RULING)}});
    let symbols = session.request("textDocument/documentSymbol", params);
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "record.entered_on",
            "record.reduced",
            "record.ruling_1_reapply",
            "record.ruling_1_reapply_points",
            "override record.reapply",
            "override record.reapply_points",
            "override record.reapply_location",
            "override member.points_if_reapplied",
        ]
    );
}

#[test]
fn a_second_shutdown_is_answered_and_other_requests_are_refused_until_exit() {
    let mut session = Session::start();
    assert_eq!(session.request("shutdown", Json::Null), Json::Null);
    // Neovim 0.7 asks twice; the server answers both, refuses anything else, and stops on
    // `exit` (which `Drop` sends after a third `shutdown`).
    assert_eq!(session.request("shutdown", Json::Null), Json::Null);
    session.next_id += 1;
    let id = RequestId::from(session.next_id);
    let params = json!({"textDocument": {"uri": session.uri(RULING)}});
    let message = Message::Request(Request::new(
        id.clone(),
        "textDocument/documentSymbol".into(),
        params,
    ));
    session
        .client
        .sender
        .send(message)
        .expect("the server listens");
    loop {
        if let Message::Response(response) = session.receive()
            && response.id == id
        {
            let error = response.response_result.expect_err("refused");
            assert_eq!(error.message, "the server is shutting down");
            break;
        }
    }
}

#[test]
fn formatting_a_rule_file_gives_what_wotrules_fmt_writes() {
    let mut session = Session::start();
    let text = session.text(RULING);
    let messy = text.replacen(
        "then: min(35, record.awarded)",
        "then: min( 35,(record.awarded) )",
        1,
    );
    session.open(RULING, &messy);
    let params = json!({"textDocument": {"uri": session.uri(RULING)}, "options": {"tabSize": 2, "insertSpaces": true}});
    let edits = session.request("textDocument/formatting", params.clone());
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["newText"], text, "the shipped file is canonical");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    session.change(RULING, 2, &text);
    let none = session.request("textDocument/formatting", params);
    assert_eq!(none, json!([]));
}
