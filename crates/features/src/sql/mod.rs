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

use wotrules_core::check::program::DefId;
use wotrules_core::lang::Scope;
use wotrules_core::plan::{Plan, Refusal};

use columns::columns_of;
pub use dialect::Dialect;
use dialect::SqlType;
use expr::{Scene, sql_type};
use wotrules_core::plan::definition_kind;

/// What the script says about where it came from.
pub struct Origin<'a> {
    /// `wotrules <version>`.
    pub tool: &'a str,
    /// The rules' digest.
    pub digest: &'a str,
}

/// How the levels between CAcert's tables and the two views are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Common table expressions inside each view: always current, computed per query.
    Views,
    /// Tables `wotrules_wr0`, `wotrules_wm0`, … (for engines that compute a common table
    /// expression again for every reference to it), the views reading the last of them:
    /// computed by the procedure `wotrules_refresh()` in MariaDB, by the script in Spark.
    Tables,
}

/// The script creating the views (and `wotrules_params`), or the rules the dialect cannot
/// express.
pub fn script(
    plan: &Plan,
    dialect: Dialect,
    form: Form,
    origin: &Origin,
) -> Result<String, Vec<Refusal>> {
    let d = dialect;
    let prefix = match form {
        Form::Views => "",
        Form::Tables => "wotrules_",
    };
    let chain = chain(plan, d, prefix)?;
    let program = plan.program;
    let mut out = String::new();
    out.push_str(&format!(
        "-- {}: the rules {} as views over CAcert's tables ({} dialect).\n",
        origin.tool,
        origin.digest,
        d.name()
    ));
    let parameters = match d {
        Dialect::Sqlite => "wotrules_case (the row eval --db reads)",
        _ => "wotrules_params",
    };
    out.push_str(&match (plan.as_of, form, d) {
        (Some(date), _, _) => {
            format!("-- Decided as of {date}; the support request is read from {parameters}.\n")
        }
        (None, Form::Views, _) => format!(
            "-- Decided as of {parameters}.as_of (today, until set), with its support request.\n"
        ),
        (None, Form::Tables, Dialect::Mariadb) => format!(
            "-- Decided as of {parameters}.as_of (today, until set), with its support request, \
             when wotrules_refresh() last ran.\n"
        ),
        (None, Form::Tables, _) => format!(
            "-- Decided as of {parameters}.as_of (today, until set), with its support request, \
             when this script last ran.\n"
        ),
    });
    out.push_str(&params(d));
    if d == Dialect::Sqlite {
        out.push_str(&sqlite_variants(plan));
    }
    let with = match form {
        Form::Views => {
            let ctes: Vec<String> = chain
                .steps
                .iter()
                .map(|(name, select)| format!("{}{select})", d.cte(name)))
                .collect();
            format!("WITH\n{}\n", ctes.join(",\n"))
        }
        Form::Tables => {
            out.push_str(&tables(d, &chain));
            String::new()
        }
    };
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
        let mut columns = vec![format!("{} AS id", d.output("o.f_id", SqlType::Int))];
        for (name, id) in outputs(scope) {
            let definition = &program.definitions[id].name;
            let ty = sql_type(definition_kind(program, id).kind);
            let value = d.output(&format!("o.d_{definition}"), ty);
            columns.push(format!("{value} AS {}", d.ident(&name)));
            let rule = d.output(&format!("o.d_{definition}__rule"), SqlType::Text);
            columns.push(format!("{rule} AS {}", d.ident(&format!("{name}_rule"))));
        }
        out.push_str(&create_view(d, view));
        out.push_str(&format!(
            "{with}SELECT {} FROM {last} o{filter};\n",
            columns.join(", ")
        ));
    }
    Ok(out)
}

/// The statements computing every step into its table: in MariaDB a procedure (indexed
/// for the joins of the next step) and its first call; in Spark Parquet tables.
fn tables(d: Dialect, chain: &Chain) -> String {
    let mut out = String::new();
    if d == Dialect::Mariadb {
        out.push_str(
            "DROP PROCEDURE IF EXISTS wotrules_refresh;\nDELIMITER //\nCREATE PROCEDURE wotrules_refresh()\nBEGIN\n",
        );
    }
    for (name, select) in &chain.steps {
        if d == Dialect::Mariadb {
            let keys = if name.contains("wr") {
                "PRIMARY KEY (f_id), KEY (f_from), KEY (f_to)"
            } else {
                "PRIMARY KEY (f_id)"
            };
            out.push_str(&format!(
                "  CREATE OR REPLACE TABLE {name} ({keys}) AS {select};\n"
            ));
        } else {
            out.push_str(&format!(
                "DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} USING parquet AS {select};\n"
            ));
        }
    }
    if d == Dialect::Mariadb {
        out.push_str("END//\nDELIMITER ;\nCALL wotrules_refresh();\n");
    }
    out
}

/// `wotrules_params`: the date (today until set) and the support request; in SQLite the
/// database's `wotrules_case`, which `eval --db` reads, created empty where missing.
fn params(d: Dialect) -> String {
    match d {
        Dialect::Sqlite => "CREATE TABLE IF NOT EXISTS wotrules_case (as_of TEXT, ticket TEXT, \
                            requested_by TEXT, mismatch TEXT);\n"
            .into(),
        // Spark's tables cannot be updated: the row is replaced with INSERT OVERWRITE.
        Dialect::Spark => "CREATE TABLE IF NOT EXISTS wotrules_params (as_of DATE, ticket STRING, \
                           requested_by STRING, mismatch STRING) USING parquet;\n\
                           INSERT INTO wotrules_params SELECT current_date(), NULL, NULL, NULL \
                           WHERE NOT EXISTS (SELECT 1 FROM wotrules_params);\n"
            .into(),
        _ => {
            let (date, text, today, suffix) = match d {
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

/// A SQLite database written from a case file (or by `gen`) has no `cats_variant`: its
/// passes are all CATS passes, as `eval --db` reads them. The table is created, and, when
/// it is empty, given the variants of the passes as of the first type the rules count.
fn sqlite_variants(plan: &Plan) -> String {
    let mut out = String::from(
        "CREATE TABLE IF NOT EXISTS cats_variant (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL);\n",
    );
    if let Some(first) = plan.cats_types.first() {
        out.push_str(&format!(
            "INSERT INTO cats_variant (id, type_id) SELECT DISTINCT variant_id, {first} FROM cats_passed \
             WHERE variant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cats_variant);\n"
        ));
    }
    out
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

/// Every level's step (a table's name and the SELECT computing it from earlier steps), and
/// the last step of each table.
struct Chain {
    steps: Vec<(String, String)>,
    last_record: String,
    last_member: String,
}

/// The steps, named `<prefix>wr<level>` (records) and `<prefix>wm<level>` (members). Each
/// step names the columns it keeps: MariaDB 10.11.19 refuses `o.*` of a common table
/// expression inside a view.
fn chain(plan: &Plan, d: Dialect, prefix: &str) -> Result<Chain, Vec<Refusal>> {
    let (mut record, mut member) = (format!("{prefix}wr0"), format!("{prefix}wm0"));
    let mut steps = vec![
        (record.clone(), base::records(plan, d)),
        (member.clone(), base::members(plan, d, &record)),
    ];
    let mut kept: [Vec<String>; 2] = [
        base::RECORD_COLUMNS.iter().map(|c| c.to_string()).collect(),
        base::MEMBER_COLUMNS.iter().map(|c| c.to_string()).collect(),
    ];
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
            let (this_table, name, kept) = match scope {
                Scope::Record => (&record, format!("{prefix}wr{number}"), &mut kept[0]),
                Scope::Member => (&member, format!("{prefix}wm{number}"), &mut kept[1]),
            };
            let mut scene = Scene::new(plan, d, scope, (this_table, &record, &member));
            let mut columns: Vec<String> = kept.iter().map(|c| format!("o.{c}")).collect();
            for id in ids {
                match columns_of(&mut scene, *id) {
                    Ok(more) => {
                        for (alias, value) in more {
                            columns.push(format!("{value} AS {alias}"));
                            kept.push(alias);
                        }
                    }
                    Err(mut refused) => refusals.append(&mut refused),
                }
            }
            let joins: String = scene.joins.iter().map(|j| format!(" {j}")).collect();
            steps.push((
                name.clone(),
                format!("SELECT {} FROM {this_table} o{joins}", columns.join(", ")),
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
        steps,
        last_record: record,
        last_member: member,
    })
}
