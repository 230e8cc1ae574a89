//! Three engines, one answer: the interpreter, the columnar executor and the SQL views
//! (SQLite executing `wotrules sql --dialect sqlite`) decide every output of every member
//! and record, and the clause that decided it, alike, for every shipped case, every rule
//! test's case and 10 000 generated members at three dates either side of ruling #1's
//! first day. (`scripts/mutate-columnar.sh` shows a mutated executor failing them.)

use std::collections::HashMap;
use std::path::Path;

use crate::support::{root, wotrules};
use chrono::NaiveDate;
use rusqlite::types::Value as Sql;
use wotrules_core::data::Rows;
use wotrules_core::eval::Evaluation;
use wotrules_core::lang::Value;
use wotrules_core::plan::Plan;
use wotrules_features::sql::{Dialect, Form, Origin, script};
use wotrules_session::{Rules, RulesFrom};
use wotrules_store::{Replaces, Target, import_case};

fn shipped_rules() -> Rules {
    RulesFrom::Directory(root().join("rules"))
        .rules()
        .expect("the shipped rules check")
}

/// How one comparison went: values compared, and every disagreement.
#[derive(Default)]
struct Tally {
    compared: usize,
    disagreements: Vec<String>,
}

/// A database with `case`'s rows in CAcert's tables, as `wotrules import` writes it (its
/// date and request in `wotrules_case`, no `cats_variant`: its passes are all CATS passes).
fn imported(case: &Rows, dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.sqlite"));
    let target = Target::check(&path, Replaces::Nothing).expect("a new file");
    import_case(case, target).expect("the case imports");
    path
}

/// [`imported`], with a `cats_variant` table as production has it: the passes are of
/// variant 1, of the first type the schema counts, and a variant of another type exists.
fn database(case: &Rows, dir: &Path, name: &str, rules: &Rules) -> std::path::PathBuf {
    let path = imported(case, dir, name);
    let connection = rusqlite::Connection::open(&path).expect("opens");
    connection
        .execute_batch(&format!(
            "CREATE TABLE cats_variant (id INTEGER PRIMARY KEY, type_id INTEGER NOT NULL);
             INSERT INTO cats_variant VALUES (1, {}), (2, 999);",
            rules.cats_types[0]
        ))
        .expect("cats_variant");
    path
}

/// How the views get their date.
#[derive(Clone, Copy)]
enum Date {
    /// Written into the views when they are printed.
    Fixed(NaiveDate),
    /// Set in the database's `wotrules_case`, the row `eval --db` reads.
    Set(NaiveDate),
    /// The database's own (its `wotrules_case`, else today), as `eval --db` takes it.
    Own,
}

/// Compares the views with the evaluator over the database at `path`, as of `date`.
fn compare(rules: &Rules, path: &Path, date: Date, tally: &mut Tally) {
    let connection = rusqlite::Connection::open(path).expect("opens");
    if let Date::Set(as_of) = date {
        connection
            .execute("UPDATE wotrules_case SET as_of = ?1", [as_of.to_string()])
            .expect("the date is set");
    }
    let asked = match date {
        Date::Fixed(as_of) | Date::Set(as_of) => Some(as_of),
        Date::Own => None,
    };
    let data = wotrules_session::dataset_at("db", path, rules, asked).expect("the database reads");
    let program = &rules.program;
    let fixed = match date {
        Date::Fixed(as_of) => Some(as_of),
        _ => None,
    };
    let plan = Plan::new(program, fixed, rules.cats_types.clone())
        .expect("the shipped rules are inside the fragment");
    let origin = Origin {
        tool: "wotrules test",
        digest: &program.digest,
    };
    let sql = script(&plan, Dialect::Sqlite, Form::Views, &origin).expect("a script");
    connection.execute_batch(&sql).expect("the script runs");
    let mut evaluation = Evaluation::new(program, &data);
    let place = format!(
        "{} as of {}{}",
        path.display(),
        data.as_of,
        if fixed.is_some() { " (fixed)" } else { "" }
    );
    let mut engines = crate::engines::Agreement::default();
    crate::engines::compare_engines(program, &data, &place, &mut engines);
    tally.compared += engines.compared;
    tally.disagreements.extend(engines.disagreements);
    let records: Vec<(i64, usize)> = data
        .records
        .iter()
        .enumerate()
        .map(|(index, row)| (row.id, index))
        .collect();
    let members: Vec<(i64, usize)> = data
        .members
        .iter()
        .enumerate()
        .filter(|(_, member)| member.evaluated)
        .map(|(index, member)| (member.row.id, index))
        .collect();
    for (view, entities, outputs) in [
        ("wotrules_records", records, &program.record_outputs),
        ("wotrules_members", members, &program.member_outputs),
    ] {
        let rows = view_rows(&connection, view);
        assert_eq!(
            rows.len(),
            entities.len(),
            "{place}: {view} has a row for every entity the evaluator decides"
        );
        for (id, index) in entities {
            let Some(row) = rows.get(&id) else {
                tally
                    .disagreements
                    .push(format!("{place}: {view} has no row {id}"));
                continue;
            };
            for output in outputs {
                let value = evaluation.value(output.definition, index);
                let clause = evaluation
                    .deciding_clause(output.definition, index)
                    .map(|l| format!("{}:{}", l.rule_file, l.line));
                let got = &row[&output.name];
                let got_rule = &row[&format!("{}_rule", output.name)];
                tally.compared += 1;
                let expected = value.as_ref().ok().cloned().unwrap_or(Value::Missing);
                if !same(&expected, got)
                    || clause.as_ref().map(|c| Sql::Text(c.clone())) != Some(got_rule.clone())
                {
                    tally.disagreements.push(format!(
                        "{place}: {view} {id} {}: evaluator {:?} by {:?}, SQL {got:?} by {got_rule:?}",
                        output.name, value, clause
                    ));
                }
            }
        }
    }
}

fn view_rows(connection: &rusqlite::Connection, view: &str) -> HashMap<i64, HashMap<String, Sql>> {
    let mut statement = connection
        .prepare(&format!("SELECT * FROM {view}"))
        .expect("the view reads");
    let names: Vec<String> = statement
        .column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let rows = statement
        .query_map([], |row| {
            let mut values = HashMap::new();
            for (index, name) in names.iter().enumerate() {
                values.insert(name.clone(), row.get::<_, Sql>(index)?);
            }
            Ok(values)
        })
        .expect("rows");
    rows.map(|row| {
        let row = row.expect("a row");
        let id = match row["id"] {
            Sql::Integer(id) => id,
            ref other => panic!("id {other:?}"),
        };
        (id, row)
    })
    .collect()
}

/// Whether the SQL value is the evaluator's.
fn same(expected: &Value, got: &Sql) -> bool {
    match (expected, got) {
        (Value::Missing, Sql::Null) => true,
        (Value::Int(a), Sql::Integer(b)) => a == b,
        (Value::Bool(a), Sql::Integer(b)) => i64::from(*a) == *b,
        (Value::Text(a), Sql::Text(b)) => **a == **b,
        (Value::Date(a), Sql::Text(b)) => a.to_string() == *b,
        (Value::List(items), Sql::Text(json)) => {
            let parsed: serde_json::Value = match serde_json::from_str(json) {
                Ok(parsed) => parsed,
                Err(_) => return false,
            };
            let expected: Vec<serde_json::Value> = items
                .iter()
                .map(|item| match item {
                    Value::Int(v) => serde_json::json!(v),
                    Value::Text(t) => serde_json::json!(&**t),
                    _ => serde_json::Value::Null,
                })
                .collect();
            parsed == serde_json::Value::Array(expected)
        }
        _ => false,
    }
}

#[test]
fn three_engines_decide_every_shipped_case_and_rule_test_case_alike() {
    let rules = shipped_rules();
    let dir = tempfile::tempdir().expect("a directory");
    let mut tally = Tally::default();
    let tests = wotrules_features::ruletest::load_tests(&root().join("rules"), &rules.program)
        .expect("the rule tests load");
    let mut count = 0;
    for (file, cases) in tests {
        for (test, case) in file.tests.iter().zip(cases) {
            let Some(as_of) = test.as_of.or(case.as_of) else {
                continue;
            };
            count += 1;
            let path = database(&case, dir.path(), &format!("case{count}"), &rules);
            let date = if count % 2 == 0 {
                Date::Fixed(as_of)
            } else {
                Date::Set(as_of)
            };
            compare(&rules, &path, date, &mut tally);
        }
    }
    let cases = crate::support::yaml_files(&root().join("rules/tests/cases"));
    for path in cases
        .into_iter()
        .chain([root().join("tests/data/sql/texts.yaml")])
    {
        let case = wotrules_store::read_case_file(&path).expect("the case reads");
        let as_of = case.as_of.expect("a shipped case sets its date");
        count += 1;
        let path = database(&case, dir.path(), &format!("case{count}"), &rules);
        compare(&rules, &path, Date::Set(as_of), &mut tally);
        compare(&rules, &path, Date::Fixed(as_of), &mut tally);
        // As `wotrules import` wrote it: no `cats_variant`, the case's date and request.
        count += 1;
        let path = imported(&case, dir.path(), &format!("case{count}"));
        compare(&rules, &path, Date::Own, &mut tally);
    }
    // The bundled sample, as it is.
    let sample = dir.path().join("sample.sqlite");
    std::fs::copy(root().join("examples/sample.sqlite"), &sample).expect("copied");
    compare(&rules, &sample, Date::Own, &mut tally);
    assert!(count >= 30, "{count} cases");
    assert!(
        tally.disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        tally.disagreements.len(),
        tally.compared,
        tally.disagreements.join("\n")
    );
}

#[test]
fn three_engines_decide_10_000_generated_members_alike_either_side_of_ruling_1() {
    let rules = shipped_rules();
    let profile = std::fs::read_to_string(root().join("benches/population.yaml")).expect("profile");
    let profile =
        wotrules_features::generate::read_profile("population.yaml", &profile).expect("profile");
    let mut population =
        wotrules_features::generate::generate(&profile, 10_000, 7).expect("a population");
    population.request.ticket = Some("s20111128.6822".into());
    let dir = tempfile::tempdir().expect("a directory");
    let path = database(&population, dir.path(), "population", &rules);
    let mut tally = Tally::default();
    for (as_of, fixed) in [
        ("2011-11-29", false),
        ("2011-12-01", true),
        ("2011-12-05", false),
    ] {
        let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").expect("a date");
        let date = if fixed {
            Date::Fixed(as_of)
        } else {
            Date::Set(as_of)
        };
        compare(&rules, &path, date, &mut tally);
    }
    assert!(tally.compared > 800_000, "{} values", tally.compared);
    assert!(
        tally.disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        tally.disagreements.len(),
        tally.compared,
        tally
            .disagreements
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_command_prints_the_views_and_refuses_what_sql_cannot_compute() {
    let run = wotrules(&root(), &["sql", "--dialect", "sqlite"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("CREATE VIEW wotrules_members AS"));
    assert!(run.stdout.contains("\"level_rule\""));
}
