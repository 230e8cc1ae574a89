//! The rules as SQL: a script that creates two views over CAcert's production tables,
//! `wotrules_records` and `wotrules_members`, one column per output and, beside each, the
//! clause that decided it (`<output>_rule`). The views compute the plan's levels as common
//! table expressions, each one pass over a table; a date fixed when printing is written
//! into them, otherwise they read it from the one-row table `wotrules_params`, which also
//! holds the support request.

mod base;
mod columns;
mod dialect;
mod expr;
mod functions;
mod text;

use crate::check::program::DefId;
use crate::lang::Scope;
use crate::plan::{Plan, Refusal};

use columns::columns_of;
pub use dialect::Dialect;
use expr::Scene;

/// What the script says about where it came from.
pub struct Origin<'a> {
    /// `wotrules <version>`.
    pub tool: &'a str,
    /// The rules' digest.
    pub digest: &'a str,
}

/// The script creating the views (and `wotrules_params`), or the rules the dialect cannot
/// express.
pub fn script(plan: &Plan, dialect: Dialect, origin: &Origin) -> Result<String, Vec<Refusal>> {
    let chain = chain(plan, dialect)?;
    let d = dialect;
    let program = plan.program;
    let mut out = String::new();
    out.push_str(&format!(
        "-- {}: the rules {} as views over CAcert's tables ({} dialect).\n",
        origin.tool,
        origin.digest,
        d.name()
    ));
    out.push_str(&match plan.as_of {
        Some(date) => {
            format!("-- Decided as of {date}; the support request is read from wotrules_params.\n")
        }
        None => {
            "-- Decided as of wotrules_params.as_of (today, until set), with its support request.\n"
                .into()
        }
    });
    out.push_str(&params(d));
    let outputs = |scope: Scope| -> Vec<(String, DefId)> {
        let list = match scope {
            Scope::Record => &program.record_outputs,
            Scope::Member => &program.member_outputs,
        };
        list.iter()
            .map(|o| (o.name.clone(), o.definition))
            .collect()
    };
    for (view, scope, last, filter) in [
        (
            "wotrules_records",
            Scope::Record,
            &chain.last_record,
            String::new(),
        ),
        (
            "wotrules_members",
            Scope::Member,
            &chain.last_member,
            format!(" WHERE o.f_in_users = {}", d.boolean(true)),
        ),
    ] {
        let mut columns = vec!["o.f_id AS id".to_string()];
        for (name, id) in outputs(scope) {
            let definition = &program.definitions[id].name;
            columns.push(format!("o.d_{definition} AS {}", d.ident(&name)));
            columns.push(format!(
                "o.d_{definition}__rule AS {}",
                d.ident(&format!("{name}_rule"))
            ));
        }
        out.push_str(&create_view(d, view));
        out.push_str(&format!(
            "WITH\n{}\nSELECT {} FROM {last} o{filter};\n",
            chain.ctes.join(",\n"),
            columns.join(", ")
        ));
    }
    Ok(out)
}

/// `wotrules_params`: the date (today until set) and the support request.
fn params(d: Dialect) -> String {
    match d {
        Dialect::Spark => {
            "CREATE OR REPLACE TEMP VIEW wotrules_params AS SELECT current_date() AS as_of, \
             CAST(NULL AS STRING) AS ticket, CAST(NULL AS STRING) AS requested_by, \
             CAST(NULL AS STRING) AS mismatch;\n"
                .into()
        }
        _ => {
            let (date, text, today, suffix) = match d {
                Dialect::Sqlite => ("TEXT", "TEXT", "date('now')", ""),
                Dialect::Mariadb => (
                    "DATE",
                    "VARCHAR(255)",
                    "CURRENT_DATE",
                    " CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin",
                ),
                _ => ("DATE", "TEXT", "CURRENT_DATE", ""),
            };
            format!(
                "CREATE TABLE IF NOT EXISTS wotrules_params (as_of {date} NOT NULL, ticket {text}, \
                 requested_by {text}, mismatch {text}){suffix};\n\
                 INSERT INTO wotrules_params (as_of) SELECT {today} WHERE NOT EXISTS \
                 (SELECT 1 FROM wotrules_params);\n"
            )
        }
    }
}

fn create_view(d: Dialect, name: &str) -> String {
    match d {
        Dialect::Sqlite | Dialect::Postgres => {
            format!("DROP VIEW IF EXISTS {name};\nCREATE VIEW {name} AS\n")
        }
        Dialect::Mariadb => format!("CREATE OR REPLACE VIEW {name} AS\n"),
        Dialect::Spark => format!("CREATE OR REPLACE TEMP VIEW {name} AS\n"),
    }
}

/// The common table expressions of every level, and the last of each table.
struct Chain {
    ctes: Vec<String>,
    last_record: String,
    last_member: String,
}

fn chain(plan: &Plan, d: Dialect) -> Result<Chain, Vec<Refusal>> {
    let mut ctes = vec![
        format!("{}{})", d.cte("wr0"), base::records(plan, d)),
        format!("{}{})", d.cte("wm0"), base::members(plan, d, "wr0")),
    ];
    let (mut record, mut member) = ("wr0".to_string(), "wm0".to_string());
    let mut refusals = Vec::new();
    for (index, level) in plan.levels.iter().enumerate() {
        let number = index + 1;
        let mut next = (record.clone(), member.clone());
        for (scope, ids) in [
            (Scope::Record, &level.record),
            (Scope::Member, &level.member),
        ] {
            if ids.is_empty() {
                continue;
            }
            let (this_table, name) = match scope {
                Scope::Record => (&record, format!("wr{number}")),
                Scope::Member => (&member, format!("wm{number}")),
            };
            let mut scene = Scene::new(plan, d, scope, (this_table, &record, &member));
            let mut columns = Vec::new();
            for id in ids {
                match columns_of(&mut scene, *id) {
                    Ok(mut more) => columns.append(&mut more),
                    Err(mut refused) => refusals.append(&mut refused),
                }
            }
            let params = if scene.params {
                " CROSS JOIN wotrules_params p"
            } else {
                ""
            };
            let joins: String = scene.joins.iter().map(|j| format!(" {j}")).collect();
            ctes.push(format!(
                "{}SELECT o.*, {} FROM {this_table} o{params}{joins})",
                d.cte(&name),
                columns.join(", ")
            ));
            match scope {
                Scope::Record => next.0 = name,
                Scope::Member => next.1 = name,
            }
        }
        (record, member) = next;
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    Ok(Chain {
        ctes,
        last_record: record,
        last_member: member,
    })
}
