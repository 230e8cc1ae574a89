//! `wotrules gen`: the same profile and seed give the same database; another seed another.

use crate::support::{root, wotrules};

#[test]
fn the_same_seed_gives_the_same_database() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = root().join("benches/population.yaml");
    let profile = profile.to_str().expect("UTF-8");
    let generate = |name: &str, seed: &str| {
        let run = wotrules(
            dir.path(),
            &[
                "gen",
                "--members",
                "2000",
                "--seed",
                seed,
                "--db",
                name,
                "--profile",
                profile,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stdout.starts_with("generated 2000 members and "),
            "{}",
            run.stdout
        );
        std::fs::read(dir.path().join(name)).expect("the database")
    };
    let first = generate("a.sqlite", "3");
    assert_eq!(first, generate("b.sqlite", "3"), "same seed, same bytes");
    assert_ne!(
        first,
        generate("c.sqlite", "4"),
        "another seed, another population"
    );
    let again = wotrules(
        dir.path(),
        &[
            "gen",
            "--members",
            "10",
            "--db",
            "a.sqlite",
            "--profile",
            profile,
        ],
    );
    assert_eq!(
        again.code,
        Some(2),
        "gen never overwrites: {}",
        again.transcript()
    );
}

#[test]
fn a_generated_database_evaluates_with_every_kind_of_record() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let profile = root().join("benches/population.yaml");
    let rules = root().join("rules");
    let run = wotrules(
        dir.path(),
        &[
            "gen",
            "--members",
            "3000",
            "--seed",
            "7",
            "--db",
            "s.sqlite",
            "--profile",
            profile.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let summary = wotrules(
        dir.path(),
        &[
            "eval",
            "--db",
            "s.sqlite",
            "--summary",
            "--as-of",
            "2021-01-01",
            "--rules",
            rules.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(summary.code, Some(0), "{}", summary.stderr);
    for seen in [
        "face-to-face",
        "ttp-assisted",
        "topup",
        "tverify",
        "administrative",
        "unknown",
        "eligible",
        "not-eligible",
        "on-hold",
        "assurer",
        "unassured",
    ] {
        assert!(
            summary.stdout.contains(seen),
            "{seen} in {}",
            summary.stdout
        );
    }
}
