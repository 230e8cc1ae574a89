//! `wotrules lsp`: a language server for rule files, rule tests, case files and the schema.
//!
//! The whole rule set is re-checked on every change, from the unsaved text of every open
//! file over the files on disk (`workspace`); hover, definitions, references, completion
//! and symbols are answered from the last rule set that checked (`knowledge`). Documents
//! are synchronised whole. Positions are counted in UTF-16, as the protocol's default.
//!
//! # Architecture invariant
//!
//! The server speaks the protocol and nothing else: every diagnostic comes from the
//! session's checks and every edit from the features' formatter, so the editor and
//! `wotrules check`/`fmt` can never disagree. It writes no file (edits go to the client),
//! never panics on what a client sends (bounded framing in `transport`), and depends on no
//! command-line crate.

mod edits;
mod knowledge;
mod sets;
mod text;
pub mod transport;
mod workspace;

use std::error::Error;
use std::path::PathBuf;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Exit,
    LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    Initialize, PrepareRenameRequest, References, Rename, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams,
    CompletionResponse, DocumentFormattingParams, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeResult, LogMessageParams, MarkupContent, MarkupKind,
    MessageType, OneOf, PrepareRenameResponse, PublishDiagnosticsParams, ReferenceParams,
    RenameOptions, RenameParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentPositionParams, TextDocumentSyncKind, Uri,
};

use sets::RuleSets;
pub use text::{path_to_uri, uri_to_path};

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`, as the protocol asks (exit code 0).
    Exit,
    /// `exit` without `shutdown` (exit code 1, as the protocol says).
    ExitWithoutShutdown,
    /// The client closed the connection (exit code 0 after `shutdown`, else 1).
    Disconnected {
        /// Whether `shutdown` came first.
        shut_down: bool,
    },
}

/// Serves one client on `connection` until it exits: every opened file with the rule set it
/// lies in (the nearest folder above it holding `schema.yaml`), case files elsewhere with
/// the rules directory `rules`.
/// Nothing the client sends ends the session but `exit` or closing the connection: a
/// request before `initialize` is refused (-32002), a request whose handling fails is
/// answered with an internal error (-32603).
pub fn serve(
    connection: &Connection,
    rules: PathBuf,
) -> Result<Ending, Box<dyn Error + Sync + Send>> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncKind::FULL.into()),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    if let Some(ending) = initialize(connection, &capabilities)? {
        return Ok(ending);
    }
    let mut sets = RuleSets::new(rules);
    let (default, served) = sets.default_dir();
    let started = match served {
        true => format!("wotrules lsp: serving the rules in {}", default.display()),
        false => format!(
            "wotrules lsp: {} holds no schema.yaml; each file opened is served with the nearest \
             folder above it that does",
            default.display()
        ),
    };
    notify(
        connection,
        LogMessage::METHOD,
        LogMessageParams {
            typ: MessageType::INFO,
            message: started,
        },
    )?;
    publish(connection, &mut sets)?;
    // After `shutdown` every request but another `shutdown` is refused, until `exit`
    // (Neovim 0.7 asks twice).
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let response = if request.method == Shutdown::METHOD {
                    shut_down = true;
                    Response::new_ok(request.id, ())
                } else if shut_down {
                    Response::new_err(
                        request.id,
                        lsp_server::ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    )
                } else {
                    answer_safely(&sets, request)
                };
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return Ok(if shut_down {
                    Ending::Exit
                } else {
                    Ending::ExitWithoutShutdown
                });
            }
            Message::Notification(notification) => {
                if shut_down {
                    continue;
                }
                let (recheck, message) = changed(&mut sets, notification);
                if let Some(message) = message {
                    let params = ShowMessageParams {
                        typ: MessageType::WARNING,
                        message,
                    };
                    notify(connection, ShowMessage::METHOD, params)?;
                }
                if recheck {
                    publish(connection, &mut sets)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(Ending::Disconnected { shut_down })
}

/// Waits for `initialize` and answers it with `capabilities`; requests before it are
/// refused, notifications dropped. `Some` when the session ended before it.
fn initialize(
    connection: &Connection,
    capabilities: &ServerCapabilities,
) -> Result<Option<Ending>, Box<dyn Error + Sync + Send>> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == Initialize::METHOD => {
                let result = InitializeResult {
                    capabilities: capabilities.clone(),
                    server_info: Some(ServerInfo {
                        name: "wotrules".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                connection
                    .sender
                    .send(Message::Response(Response::new_ok(request.id, result)))?;
                return Ok(None);
            }
            Message::Request(request) => {
                connection.sender.send(Message::Response(Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized: send `initialize` first".into(),
                )))?;
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return Ok(Some(Ending::ExitWithoutShutdown));
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    Ok(Some(Ending::Disconnected { shut_down: false }))
}

/// [`answer`], with a failure in answering (a bug) turned into an internal error for this
/// request instead of the end of the session.
fn answer_safely(sets: &RuleSets, request: Request) -> Response {
    let id = request.id.clone();
    let method = request.method.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(sets, request))).unwrap_or_else(
        |_| {
            Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                format!("wotrules lsp failed answering `{method}`: please report it"),
            )
        },
    )
}

/// Takes a document's new text (or its closing): whether the rule sets must be re-checked,
/// and what the user is to be told.
fn changed(sets: &mut RuleSets, notification: Notification) -> (bool, Option<String>) {
    let path = |uri: &Uri| uri_to_path(uri);
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
            else {
                return (false, None);
            };
            let Some(path) = path(&params.text_document.uri) else {
                return (false, None);
            };
            (true, sets.open(path, params.text_document.text))
        }
        DidChangeTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
            else {
                return (false, None);
            };
            let (Some(path), Some(change)) = (
                path(&params.text_document.uri),
                params.content_changes.into_iter().last(),
            ) else {
                return (false, None);
            };
            (true, sets.open(path, change.text))
        }
        DidCloseTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
            else {
                return (false, None);
            };
            let closed = path(&params.text_document.uri).is_some_and(|path| sets.close(&path));
            (closed, None)
        }
        DidSaveTextDocument::METHOD => (true, None),
        _ => (false, None),
    }
}

/// Sends a notification.
fn notify(
    connection: &Connection,
    method: &str,
    params: impl serde::Serialize,
) -> Result<(), Box<dyn Error + Sync + Send>> {
    connection
        .sender
        .send(Message::Notification(Notification::new(
            method.into(),
            params,
        )))?;
    Ok(())
}

/// Re-checks and publishes every file's diagnostics (an empty list clears a file's).
fn publish(
    connection: &Connection,
    sets: &mut RuleSets,
) -> Result<(), Box<dyn Error + Sync + Send>> {
    for (path, diagnostics) in sets.check() {
        let Some(uri) = path_to_uri(&path) else {
            continue;
        };
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        connection
            .sender
            .send(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.into(),
                params,
            )))?;
    }
    Ok(())
}

/// The response to one request (an unknown method is "method not found").
fn answer(sets: &RuleSets, request: Request) -> Response {
    let id = request.id.clone();
    let workspace_of = |uri: &Uri| {
        let path = uri_to_path(uri)?;
        Some((sets.for_path(&path)?, path))
    };
    let result = match request.method.as_str() {
        HoverRequest::METHOD => with::<HoverParams, _>(request, |p| {
            let at = p.text_document_position_params;
            let (workspace, path) = workspace_of(&at.text_document.uri)?;
            let text = workspace.hover(&path, at.position)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: text,
                }),
                range: None,
            })
        }),
        GotoDefinition::METHOD => with::<GotoDefinitionParams, _>(request, |p| {
            let at = p.text_document_position_params;
            let (workspace, path) = workspace_of(&at.text_document.uri)?;
            workspace
                .definition(&path, at.position)
                .map(GotoDefinitionResponse::Scalar)
        }),
        References::METHOD => with::<ReferenceParams, _>(request, |p| {
            let at = p.text_document_position;
            let (workspace, path) = workspace_of(&at.text_document.uri)?;
            Some(workspace.references(&path, at.position))
        }),
        Completion::METHOD => with::<CompletionParams, _>(request, |p| {
            let at = p.text_document_position;
            let (workspace, path) = workspace_of(&at.text_document.uri)?;
            Some(CompletionResponse::Array(
                workspace.completion(&path, at.position),
            ))
        }),
        DocumentSymbolRequest::METHOD => with::<DocumentSymbolParams, _>(request, |p| {
            let (workspace, path) = workspace_of(&p.text_document.uri)?;
            Some(DocumentSymbolResponse::Nested(workspace.symbols(&path)))
        }),
        Formatting::METHOD => with::<DocumentFormattingParams, _>(request, |p| {
            let (workspace, path) = workspace_of(&p.text_document.uri)?;
            workspace.formatting(&path)
        }),
        CodeActionRequest::METHOD => with::<CodeActionParams, _>(request, |p| {
            let (workspace, path) = workspace_of(&p.text_document.uri)?;
            Some(workspace.code_actions(&path, p.range))
        }),
        PrepareRenameRequest::METHOD => with::<TextDocumentPositionParams, _>(request, |p| {
            let (workspace, path) = workspace_of(&p.text_document.uri)?;
            workspace
                .prepare_rename(&path, p.position)
                .map(PrepareRenameResponse::Range)
        }),
        Rename::METHOD => {
            let params = serde_json::from_value::<RenameParams>(request.params.clone());
            match params {
                Err(error) => Err(format!("bad parameters of `{}`: {error}", request.method)),
                Ok(p) => {
                    let at = p.text_document_position;
                    match workspace_of(&at.text_document.uri) {
                        None => Err("the file is in no rule set".into()),
                        Some((workspace, path)) => workspace
                            .rename(&path, at.position, &p.new_name)
                            .and_then(|edit| serde_json::to_value(edit).map_err(|e| e.to_string())),
                    }
                }
            }
        }
        _ => {
            return Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("wotrules lsp does not answer `{}`", request.method),
            );
        }
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(message) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message),
    }
}

/// Reads a request's parameters and answers with `answer` (null when it has nothing).
fn with<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    request: Request,
    answer: impl FnOnce(P) -> Option<R>,
) -> Result<serde_json::Value, String> {
    let params: P = serde_json::from_value(request.params)
        .map_err(|e| format!("bad parameters of `{}`: {e}", request.method))?;
    serde_json::to_value(answer(params)).map_err(|e| e.to_string())
}
