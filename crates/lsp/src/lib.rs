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

mod knowledge;
mod text;
pub mod transport;
mod workspace;

use std::error::Error;
use std::path::PathBuf;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Exit,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, Initialize,
    References, Request as _, Shutdown,
};
use lsp_types::{
    CompletionOptions, CompletionParams, CompletionResponse, DocumentFormattingParams,
    DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse,
    Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeResult, MarkupContent,
    MarkupKind, OneOf, PublishDiagnosticsParams, ReferenceParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncKind, Uri,
};

pub use text::{path_to_uri, uri_to_path};
pub(crate) use workspace::Workspace;

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

/// Serves one client on `connection` until it exits, for the rules directory `rules`.
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
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    if let Some(ending) = initialize(connection, &capabilities)? {
        return Ok(ending);
    }
    let mut workspace = Workspace::new(rules);
    publish(connection, &mut workspace)?;
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
                    answer_safely(&workspace, request)
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
                if !shut_down && changed(&mut workspace, notification) {
                    publish(connection, &mut workspace)?;
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
fn answer_safely(workspace: &Workspace, request: Request) -> Response {
    let id = request.id.clone();
    let method = request.method.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(workspace, request)))
        .unwrap_or_else(|_| {
            Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                format!("wotrules lsp failed answering `{method}`: please report it"),
            )
        })
}

/// Takes a document's new text (or its closing); whether the rule set must be re-checked.
fn changed(workspace: &mut Workspace, notification: Notification) -> bool {
    let path = |uri: &Uri| uri_to_path(uri);
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
            else {
                return false;
            };
            let Some(path) = path(&params.text_document.uri) else {
                return false;
            };
            workspace.open.insert(path, params.text_document.text);
            true
        }
        DidChangeTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
            else {
                return false;
            };
            let (Some(path), Some(change)) = (
                path(&params.text_document.uri),
                params.content_changes.into_iter().last(),
            ) else {
                return false;
            };
            workspace.open.insert(path, change.text);
            true
        }
        DidCloseTextDocument::METHOD => {
            let Ok(params) = notification
                .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
            else {
                return false;
            };
            path(&params.text_document.uri)
                .is_some_and(|path| workspace.open.remove(&path).is_some())
        }
        DidSaveTextDocument::METHOD => true,
        _ => false,
    }
}

/// Re-checks and publishes every file's diagnostics (an empty list clears a file's).
fn publish(
    connection: &Connection,
    workspace: &mut Workspace,
) -> Result<(), Box<dyn Error + Sync + Send>> {
    for (path, diagnostics) in workspace.check() {
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
fn answer(workspace: &Workspace, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        HoverRequest::METHOD => with::<HoverParams, _>(request, |p| {
            let at = p.text_document_position_params;
            let path = uri_to_path(&at.text_document.uri)?;
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
            let path = uri_to_path(&at.text_document.uri)?;
            workspace
                .definition(&path, at.position)
                .map(GotoDefinitionResponse::Scalar)
        }),
        References::METHOD => with::<ReferenceParams, _>(request, |p| {
            let at = p.text_document_position;
            let path = uri_to_path(&at.text_document.uri)?;
            Some(workspace.references(&path, at.position))
        }),
        Completion::METHOD => with::<CompletionParams, _>(request, |p| {
            let at = p.text_document_position;
            let path = uri_to_path(&at.text_document.uri)?;
            Some(CompletionResponse::Array(
                workspace.completion(&path, at.position),
            ))
        }),
        DocumentSymbolRequest::METHOD => with::<DocumentSymbolParams, _>(request, |p| {
            let path = uri_to_path(&p.text_document.uri)?;
            Some(DocumentSymbolResponse::Nested(workspace.symbols(&path)))
        }),
        Formatting::METHOD => with::<DocumentFormattingParams, _>(request, |p| {
            let path = uri_to_path(&p.text_document.uri)?;
            workspace.formatting(&path)
        }),
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
