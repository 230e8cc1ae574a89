//! Baselines for `bench/run.sh`; each prints one line, `name seconds [extra]`.
//!
//! - `scan DB`: read `notary`, `users`, `cats_passed` through rusqlite into plain structs;
//! - `handwritten DB AS_OF RULES`: the interpreter and the columnar executor vs the rules
//!   written by hand in Rust, over in-memory data, after checking all give the same outputs;
//! - `webdb DB`: webdb's query pattern, two queries per member (includes/notary.inc.php);
//! - `regorus DB AS_OF RULES`: the AP points and level rules in Rego, evaluated by regorus,
//!   vs the interpreter, after checking both give the same answers;
//! - `definitions DB AS_OF RULES`: what each definition costs the interpreter and the
//!   columnar executor on one core, with what it reads (a profile by rule, which `perf` cannot give: every definition runs
//!   the same closures).

use wotrules_bench::handwritten;

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use wotrules_core::check::Program;
use wotrules_core::data::Dataset;
use wotrules_core::eval::Evaluation;
use wotrules_core::lang::Scope;
use wotrules_core::lang::Value;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_else(|| usage());
    match arg(0) {
        "scan" => scan(arg(1)),
        "handwritten" => handwritten(arg(1), arg(2), arg(3)),
        "webdb" => webdb(arg(1)),
        "regorus" => regorus(arg(1), arg(2), arg(3)),
        "definitions" => definitions(arg(1), arg(2), arg(3)),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: baselines (scan DB | handwritten DB AS_OF RULES | webdb DB | regorus DB AS_OF RULES | definitions DB AS_OF RULES)"
    );
    std::process::exit(2)
}

/// The best of `runs` timings of `work`.
fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let result = work();
        best = best.min(start.elapsed());
        last = Some(result);
    }
    (best, last.expect("at least one run"))
}

fn open(db: &str) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("the database opens")
}

#[allow(dead_code)]
struct ScannedRecord {
    id: i64,
    from: i64,
    to: i64,
    points: i64,
    awarded: i64,
    method: String,
    location: String,
    date: String,
    when: Option<String>,
    expire: Option<String>,
    deleted: Option<String>,
}

#[allow(dead_code)]
struct ScannedUser {
    id: i64,
    dob: Option<String>,
    assurer: bool,
    blocked: bool,
    ttpadmin: i64,
}

fn scan(db: &str) {
    let (time, rows) = best_of(1, || {
        let connection = open(db);
        let mut users = connection
            .prepare("SELECT id, dob, assurer, assurer_blocked, ttpadmin FROM users")
            .expect("users");
        let users: Vec<ScannedUser> = users
            .query_map([], |r| {
                Ok(ScannedUser {
                    id: r.get(0)?,
                    dob: r.get(1)?,
                    assurer: r.get(2)?,
                    blocked: r.get(3)?,
                    ttpadmin: r.get(4)?,
                })
            })
            .expect("users")
            .collect::<Result<_, _>>()
            .expect("users");
        let mut cats = connection
            .prepare("SELECT user_id, pass_date FROM cats_passed")
            .expect("cats");
        let cats: Vec<(i64, String)> = cats
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("cats")
            .collect::<Result<_, _>>()
            .expect("cats");
        let mut notary = connection
            .prepare(r#"SELECT id, "from", "to", points, awarded, method, location, date, "when", expire, deleted FROM notary"#)
            .expect("notary");
        let records: Vec<ScannedRecord> = notary
            .query_map([], |r| {
                Ok(ScannedRecord {
                    id: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    points: r.get(3)?,
                    awarded: r.get(4)?,
                    method: r.get(5)?,
                    location: r.get(6)?,
                    date: r.get(7)?,
                    when: r.get(8)?,
                    expire: r.get(9)?,
                    deleted: r.get(10)?,
                })
            })
            .expect("notary")
            .collect::<Result<_, _>>()
            .expect("notary");
        users.len() + cats.len() + records.len()
    });
    println!("scan {:.3} {rows}", time.as_secs_f64());
}

fn load(db: &str, as_of: &str, rules: &str) -> (Program, Dataset) {
    let rules = wotrules_session::RulesFrom::Directory(Path::new(rules).to_path_buf())
        .rules()
        .unwrap_or_else(|_| panic!("the rules in {rules} check"));
    let as_of = wotrules_core::lang::parse_calendar_date(as_of).expect("AS_OF is YYYY-MM-DD");
    let data = wotrules_session::dataset_at("db", Path::new(db), &rules, Some(as_of))
        .expect("the database reads");
    (rules.program, data)
}

/// Every output of every evaluated member and every record, by the interpreter (or the
/// columnar executor) on one core, one chunk of members at a time (as `eval --summary` does).
pub fn interpret(
    program: &Program,
    data: &Dataset,
    columnar: bool,
) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let mut evaluation = match columnar {
        true => Evaluation::columnar(program, data, &program.output_definitions()),
        false => Evaluation::chunked(program, data),
    };
    let mut members = Vec::new();
    let mut records = vec![Vec::new(); data.records.len()];
    let all: Vec<usize> = (0..data.members.len()).collect();
    for chunk in all.chunks(wotrules_core::eval::CHUNK_MEMBERS) {
        evaluation.focus(chunk);
        for &m in chunk {
            if data.members[m].evaluated {
                let values = program
                    .member_outputs
                    .iter()
                    .map(|o| {
                        evaluation
                            .value(o.definition, m)
                            .expect("no evaluation error")
                    })
                    .collect();
                members.push(values);
            }
            for r in data.received(m) {
                records[r] = program
                    .record_outputs
                    .iter()
                    .map(|o| {
                        evaluation
                            .value(o.definition, r)
                            .expect("no evaluation error")
                    })
                    .collect();
            }
        }
    }
    (members, records)
}

/// Each definition evaluated alone for every entity of its scope, one chunk at a time, with
/// every definition it reads (a chunk forgets what the last one computed, as in `eval`), by
/// the interpreter and by the columnar executor: the best of 5 runs, the interpreter's
/// costliest first, in ms and ns per entity.
fn definitions(db: &str, as_of: &str, rules: &str) {
    let (program, data) = load(db, as_of, rules);
    let all: Vec<usize> = (0..data.members.len()).collect();
    let mut costs: Vec<(f64, f64, usize, &str, &str)> = Vec::new();
    for (id, definition) in program.definitions.iter().enumerate() {
        let mut entities = 0;
        let mut time = |mut evaluation: Evaluation| {
            best_of(5, || {
                entities = 0;
                for chunk in all.chunks(wotrules_core::eval::CHUNK_MEMBERS) {
                    evaluation.focus(chunk);
                    let (members, records) = data.chunk_entities(chunk);
                    let scope = match definition.scope {
                        Scope::Member => members,
                        Scope::Record => records,
                    };
                    entities += scope.len();
                    for entity in scope {
                        // An error (a member without contact details) costs what it costs.
                        let _ = evaluation.value(id, entity);
                    }
                }
            })
            .0
        };
        let interpreted = time(Evaluation::chunked(&program, &data));
        let columnar = time(Evaluation::columnar(&program, &data, &[id]));
        costs.push((
            interpreted.as_secs_f64(),
            columnar.as_secs_f64(),
            entities,
            definition.scope.name(),
            &definition.name,
        ));
    }
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "{:>9} {:>9} {:>9}  definition (with what it reads)",
        "interp ms", "column ms", "ns/entity"
    );
    for (seconds, columnar, entities, scope, name) in costs {
        let per_entity = seconds * 1e9 / entities.max(1) as f64;
        println!(
            "{:9.2} {:9.2} {per_entity:9.0}  {scope}.{name}",
            seconds * 1e3,
            columnar * 1e3
        );
    }
}

fn shown(values: &[Value]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

fn optional<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map_or("null".into(), ToString::to_string)
}

fn handwritten(db: &str, as_of: &str, rules: &str) {
    let (program, data) = load(db, as_of, rules);
    let (interpreter_time, (members, records)) = best_of(3, || interpret(&program, &data, false));
    let (columnar_time, columnar) = best_of(3, || interpret(&program, &data, true));
    assert!(
        columnar == (members.clone(), records.clone()),
        "the engines agree"
    );
    let (plain_time, (plain_members, plain_records)) = best_of(3, || handwritten::decide(&data));
    assert_eq!(members.len(), plain_members.len());
    for (values, plain) in members.iter().zip(&plain_members) {
        let expected = vec![
            plain.assurance_points.to_string(),
            plain.experience_points.to_string(),
            plain.max_award.to_string(),
            plain.level.to_string(),
            optional(&plain.points_if_reapplied),
        ];
        assert_eq!(shown(values), expected, "member outputs agree");
    }
    for (values, plain) in records.iter().zip(&plain_records) {
        let findings = if plain.findings.is_empty() {
            "[]".to_string()
        } else {
            plain.findings.join(", ")
        };
        let expected = vec![
            plain.counts.to_string(),
            plain.class.to_string(),
            optional(&plain.reapply),
            optional(&plain.reapply_points),
            optional(&plain.reapply_location),
            findings,
        ];
        assert_eq!(shown(values), expected, "record outputs agree");
    }
    println!(
        "handwritten {:.4} {:.4} {:.4} {} members {} records identical",
        interpreter_time.as_secs_f64(),
        plain_time.as_secs_f64(),
        columnar_time.as_secs_f64(),
        members.len(),
        records.len()
    );
}

fn webdb(db: &str) {
    let connection = open(db);
    let (time, total) = best_of(1, || {
        let ids: Vec<i64> = connection
            .prepare("SELECT id FROM users")
            .expect("users")
            .query_map([], |r| r.get(0))
            .expect("users")
            .collect::<Result<_, _>>()
            .expect("users");
        let mut received = connection
            .prepare(
                r#"SELECT points, awarded, method FROM notary WHERE "to" = ?1 AND deleted IS NULL"#,
            )
            .expect("received");
        let mut given = connection
            .prepare(r#"SELECT count(*) FROM notary WHERE "from" = ?1 AND method = 'Face to Face Meeting' AND deleted IS NULL"#)
            .expect("given");
        let mut total = 0i64;
        for id in ids {
            let points: i64 = received
                .query_map([id], |r| {
                    let (points, awarded): (i64, i64) = (r.get(0)?, r.get(1)?);
                    let _method: String = r.get(2)?;
                    Ok(points.max(awarded))
                })
                .expect("received")
                .map(|p| p.expect("a row"))
                .sum();
            let experience: i64 = given.query_row([id], |r| r.get(0)).expect("given");
            total += points.min(100) + 2 * experience;
        }
        total
    });
    println!("webdb {:.3} {total}", time.as_secs_f64());
}

fn regorus(db: &str, as_of: &str, rules: &str) {
    let (program, data) = load(db, as_of, rules);
    let topup_valid = program
        .definitions
        .iter()
        .position(|d| d.name == "topup_valid")
        .expect("a topup_valid definition");
    let mut evaluation = Evaluation::new(&program, &data);
    let date = |d: wotrules_core::data::Stamp| {
        d.date()
            .map_or(serde_json::Value::Null, |d| d.to_string().into())
    };
    let members: Vec<serde_json::Value> = (0..data.members.len())
        .filter(|m| data.members[*m].evaluated)
        .map(|m| {
            let member = &data.members[m];
            let received: Vec<serde_json::Value> = data
                .received(m)
                .map(|i| {
                    let r = &data.records[i];
                    let valid = evaluation.value(topup_valid, i) == Ok(Value::Bool(true));
                    serde_json::json!({"id": r.id, "points": r.points, "awarded": r.awarded,
                        "method": data.text(r.method), "deleted": date(r.deleted), "expire": date(r.expire),
                        "topup_valid": valid})
                })
                .collect();
            let age = member.row.dob.map(|dob| {
                use chrono::Datelike;
                let mut years = i64::from(data.as_of.year()) - i64::from(dob.year());
                if (data.as_of.month(), data.as_of.day()) < (dob.month(), dob.day()) {
                    years -= 1;
                }
                years
            });
            serde_json::json!({"id": member.row.id, "age": age, "cats": member.cats_passed.is_some(),
                "assurer": member.row.assurer, "blocked": member.row.assurer_blocked, "received": received})
        })
        .collect();
    let input =
        serde_json::json!({"as_of": data.as_of.to_string(), "members": members}).to_string();
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("ap.rego".into(), include_str!("ap.rego").into())
        .expect("the Rego policy parses");
    let (rego_time, answers) = best_of(1, || {
        engine.set_input_json(&input).expect("the input is JSON");
        let members = engine
            .eval_rule("data.ap.members".into())
            .expect("members evaluate");
        let records = engine
            .eval_rule("data.ap.records".into())
            .expect("records evaluate");
        (members, records)
    });
    let (interpreter_time, (ours, our_records)) = best_of(3, || interpret(&program, &data, false));
    let rego_members: serde_json::Value =
        serde_json::from_str(&answers.0.to_json_str().expect("JSON")).expect("JSON");
    let rego_records: serde_json::Value =
        serde_json::from_str(&answers.1.to_json_str().expect("JSON")).expect("JSON");
    let evaluated: Vec<usize> = (0..data.members.len())
        .filter(|m| data.members[*m].evaluated)
        .collect();
    for (values, m) in ours.iter().zip(evaluated) {
        let id = data.members[m].row.id.to_string();
        let rego = &rego_members[&id];
        assert_eq!(
            rego[0].to_string(),
            values[0].to_string(),
            "member {id} points"
        );
        assert_eq!(
            rego[1].as_str(),
            Some(&*values[3].to_string()),
            "member {id} level"
        );
    }
    for (values, record) in our_records.iter().zip(&data.records) {
        let id = record.id.to_string();
        assert_eq!(
            rego_records[&id].to_string(),
            values[0].to_string(),
            "record {id} counts"
        );
    }
    println!(
        "regorus {:.4} {:.4} {} members identical",
        rego_time.as_secs_f64(),
        interpreter_time.as_secs_f64(),
        ours.len()
    );
}
