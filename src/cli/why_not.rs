//! `wotrules eval --why-not OUTPUT=VALUE`: what stands in the way of a value for one member
//! or record, and the smallest changes that give it.

use chrono::NaiveDate;

use super::{Exit, emit, emit_error, fail, usage};
use wotrules_core::diag::render_styled;
use wotrules_core::lang::Scope;
use wotrules_features::report::{Privacy, markup};
use wotrules_features::whynot::{
    Question, render_why_not, render_why_not_json, render_why_not_wiki, why_not,
};
use wotrules_session::Rules;
use wotrules_session::as_of_for;
use wotrules_store::Source;

/// What `eval` was asked besides `--why-not`.
pub(super) struct Asked<'a> {
    pub data: Box<dyn Source>,
    pub members: &'a [i64],
    pub record: Option<i64>,
    pub as_of: Option<NaiveDate>,
    pub format: &'a str,
    pub privacy: &'a Privacy,
}

pub(super) fn run(rules: &Rules, asked: Asked, question: &str) -> Exit {
    let program = &rules.program;
    let (scope, id) = match (asked.members, asked.record) {
        ([id], _) => (Scope::Member, *id),
        ([], Some(id)) => (Scope::Record, id),
        _ => {
            return usage(
                "`--why-not` asks about one member or record",
                "add one `--member ID` or `--record ID`",
            );
        }
    };
    let question = match Question::parse(program, scope, question) {
        Ok(question) => question,
        Err(diagnostic) => return fail(&diagnostic, Exit::BadInput),
    };
    let case = match wotrules_session::rows(asked.data, rules, false) {
        Ok(case) => case,
        Err(diagnostics) => {
            emit_error(&render_styled(&diagnostics));
            return Exit::BadInput;
        }
    };
    let as_of = as_of_for(asked.as_of, &case);
    let wanted = &question.wanted;
    let Some(answer) = why_not(
        program,
        &rules.why_not,
        &case,
        as_of,
        id,
        question.definition,
        wanted,
    ) else {
        return usage(
            format!("{} {id} is not in the data as of {as_of}", scope.name()),
            "give the id of a listed member, or of a record entered on or before the date",
        );
    };
    let entity = format!("{} {id} as of {as_of}", scope.name());
    let member = scope == Scope::Member;
    let name = &question.output;
    let rendered = match (asked.format, markup(asked.format)) {
        ("json", _) => {
            render_why_not_json((scope.name(), id), name, wanted, &answer, asked.privacy)
        }
        (_, Some(markup)) => render_why_not_wiki(
            markup,
            &entity,
            name,
            wanted,
            &answer,
            member,
            asked.privacy,
        ),
        _ => render_why_not(&entity, name, wanted, &answer, member, asked.privacy),
    };
    emit(&rendered);
    Exit::Success
}
