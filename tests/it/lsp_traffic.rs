//! `wotrules lsp` under hostile traffic: the real binary over pipes, and the framing driven
//! in-process by random bytes, random framing and valid requests interleaved. Nothing a
//! client sends ends the session but `exit`; every well-formed request is answered.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::root;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

/// `body` framed as the protocol says.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

fn request(id: i64, method: &str) -> Vec<u8> {
    frame(
        json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {}})
            .to_string()
            .as_bytes(),
    )
}

fn notification(method: &str) -> Vec<u8> {
    frame(
        json!({"jsonrpc": "2.0", "method": method, "params": {}})
            .to_string()
            .as_bytes(),
    )
}

/// The messages framed in `output`.
fn messages(output: &[u8]) -> Vec<Json> {
    let mut found = Vec::new();
    let mut rest = output;
    while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
        let header = String::from_utf8_lossy(&rest[..at]);
        let length: usize = header
            .trim()
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a Content-Length header: {header}"));
        let body = &rest[at + 4..at + 4 + length];
        found.push(serde_json::from_slice(body).expect("the server writes JSON"));
        rest = &rest[at + 4 + length..];
    }
    assert!(rest.is_empty(), "trailing output");
    found
}

/// Runs the real server with `input` on its standard input (then closed).
fn run_server(input: &[u8]) -> (Option<i32>, Vec<Json>) {
    let rules = root().join("rules");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wotrules"))
        .args(["lsp", "--rules", rules.to_str().expect("UTF-8")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut stdin = child.stdin.take().expect("a pipe");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the server ends");
    writer.join().expect("written");
    (output.status.code(), messages(&output.stdout))
}

fn error_of(messages: &[Json], id: &Json) -> Vec<i64> {
    messages
        .iter()
        .filter(|m| &m["id"] == id)
        .filter_map(|m| m["error"]["code"].as_i64())
        .collect()
}

fn answered(messages: &[Json], id: i64) -> bool {
    messages
        .iter()
        .any(|m| m["id"] == id && (m.get("result").is_some() || m.get("error").is_some()))
}

#[test]
fn hostile_frames_are_answered_and_the_session_goes_on() {
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        (
            "a length beyond u64",
            b"Content-Length: 18446744073709551615\r\n\r\n".to_vec(),
        ),
        (
            "a terabyte",
            b"Content-Length: 1000000000000\r\n\r\n".to_vec(),
        ),
        (
            "two gigabytes",
            b"Content-Length: 2000000000\r\n\r\n".to_vec(),
        ),
        ("not a number", b"Content-Length: abc\r\n\r\n".to_vec()),
        ("not JSON", frame(b"{x}")),
        ("an array", frame(b"[1, 2]")),
        (
            "a lone surrogate",
            frame(br#"{"jsonrpc":"2.0","id":99,"method":"x","params":"\ud800"}"#),
        ),
        ("not UTF-8", frame(b"{\"a\": \"\xff\xfe\"}")),
        (
            "a body without a header",
            br#"{"jsonrpc":"2.0","id":98,"method":"x"}"#.to_vec(),
        ),
    ];
    for (what, bytes) in hostile {
        let mut input = request(1, "initialize");
        input.extend(notification("initialized"));
        input.extend(&bytes);
        input.extend(request(2, "textDocument/hover-unknown"));
        // Headers ended by LF alone are read too.
        let shutdown = br#"{"jsonrpc":"2.0","id":3,"method":"shutdown","params":null}"#;
        input.extend(format!("Content-Length: {}\n\n", shutdown.len()).as_bytes());
        input.extend(shutdown);
        input.extend(notification("exit"));
        let (code, messages) = run_server(&input);
        assert_eq!(code, Some(0), "{what}: {messages:?}");
        assert!(answered(&messages, 1), "{what}: initialize");
        assert_eq!(
            error_of(&messages, &json!(2)),
            [-32601],
            "{what}: {messages:?}"
        );
        assert!(answered(&messages, 3), "{what}: shutdown");
        let errors: Vec<i64> = error_of(&messages, &Json::Null);
        assert!(
            errors.iter().all(|&c| c == -32700 || c == -32600) && !errors.is_empty(),
            "{what}: {messages:?}"
        );
    }
}

#[test]
fn exit_without_shutdown_ends_with_1_as_the_protocol_says() {
    let mut input = request(1, "initialize");
    input.extend(notification("exit"));
    let (code, _) = run_server(&input);
    assert_eq!(code, Some(1));
    let mut input = request(1, "initialize");
    input.extend(request(2, "shutdown"));
    input.extend(notification("exit"));
    let (code, _) = run_server(&input);
    assert_eq!(code, Some(0));
}

#[test]
fn a_request_before_initialize_is_refused_not_fatal() {
    let mut input = request(7, "textDocument/hover");
    input.extend(request(1, "initialize"));
    input.extend(request(2, "shutdown"));
    input.extend(notification("exit"));
    let (code, messages) = run_server(&input);
    assert_eq!(code, Some(0));
    assert_eq!(error_of(&messages, &json!(7)), [-32002]);
    assert!(answered(&messages, 1));
}

/// An output the in-process server writes to, read back after.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A piece of hostile traffic: junk that is not a header, a well-framed body of random
/// bytes, or a header with a length that is not one.
fn junk() -> impl Strategy<Value = Vec<u8>> {
    let bytes = proptest::collection::vec(any::<u8>(), 0..200).prop_filter(
        "junk does not name a Content-Length",
        |b| {
            !String::from_utf8_lossy(b)
                .to_ascii_lowercase()
                .contains("content-length")
        },
    );
    prop_oneof![
        bytes.clone(),
        bytes.clone().prop_map(|b| frame(&b)),
        "[a-z0-9 ]{0,12}".prop_map(|v| format!("Content-Length: x{v}\r\n\r\n").into_bytes()),
        bytes.prop_map(|mut b| {
            b.extend(b"\r\n\r\n");
            b
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_well_formed_request_is_answered_whatever_comes_between(
        pieces in proptest::collection::vec(junk(), 1..12),
    ) {
        let mut input = request(1, "initialize");
        let mut ids = Vec::new();
        for (n, piece) in pieces.iter().enumerate() {
            input.extend(piece);
            let id = 100 + n as i64;
            // After junk without a line end, a header starts on the junk's line.
            input.extend(request(id, "workspace/unknown"));
            ids.push(id);
        }
        input.extend(request(2, "shutdown"));
        input.extend(notification("exit"));
        let output = Captured::default();
        let (connection, threads) = wotrules_lsp::transport::connect(
            std::io::Cursor::new(input),
            Box::new(output.clone()),
        );
        let ending = wotrules_lsp::serve(&connection, root().join("rules"))
            .expect("the session runs");
        drop(connection);
        for thread in threads {
            thread.join().expect("the threads end");
        }
        prop_assert_eq!(ending, wotrules_lsp::Ending::Exit);
        let written = output.0.lock().expect("not poisoned").clone();
        let messages = messages(&written);
        for id in ids {
            prop_assert!(answered(&messages, id), "request {} unanswered: {:?}", id, messages);
        }
    }
}
