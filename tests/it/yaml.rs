//! The YAML deserializer (`src/yaml/de.rs`): values come with their places, every problem
//! of a mapping is reported and the rest still read, a missing key names the mapping that
//! lacks it, a list item that is not a mapping is one problem.

use serde::Deserialize;
use wotrules_core::yaml::{Field, Problem, from_node};

#[derive(Debug, Deserialize)]
#[serde(rename = "a thing")]
struct Thing {
    name: Field<String>,
    #[serde(default)]
    count: Field<i64>,
    #[serde(default)]
    flag: Field<bool>,
    #[serde(default)]
    items: Vec<Field<Item>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "an item")]
struct Item {
    colour: Field<Colour>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename = "unknown-colour", rename_all = "lowercase")]
enum Colour {
    Red,
    Green,
}

fn read(text: &str) -> (Option<Thing>, Vec<Problem>) {
    let node = wotrules_core::yaml::parse(0, text).expect("YAML");
    let mut problems = Vec::new();
    (from_node(&node, &mut problems), problems)
}

#[test]
fn values_come_with_their_places() {
    let (thing, problems) = read("name: x\ncount: 3\nitems:\n  - colour: red\n");
    assert!(problems.is_empty(), "{problems:?}");
    let thing = thing.expect("read");
    let (name, place) = thing.name.present().expect("a name");
    assert_eq!((name.as_str(), place.line, place.column), ("x", 1, 7));
    assert_eq!(thing.count.present().map(|c| c.0), Some(3));
    assert!(matches!(thing.flag, Field::Absent));
    let item = thing.items.into_iter().next().and_then(Field::present);
    assert_eq!(
        item.and_then(|i| i.0.colour.present()).map(|c| c.0),
        Some(Colour::Red)
    );
}

#[test]
fn every_problem_of_a_mapping_is_reported_and_the_rest_still_read() {
    let (thing, problems) =
        read("name: x\ncount: \"3\"\nflag: yes\ncolor: red\nitems:\n  - colour: blue\n");
    let found: Vec<(&str, usize, usize)> = problems
        .iter()
        .map(|p| (p.code.name(), p.place.line, p.place.column))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-key", 4, 1),
            ("wrong-value", 2, 8),
            ("wrong-value", 3, 7),
            ("unknown-value", 6, 13)
        ],
        "{problems:#?}"
    );
    assert_eq!(problems[0].message, "unknown key `color` in a thing");
    assert_eq!(
        problems[0].help.as_deref(),
        Some("a thing takes: name, count, flag, items")
    );
    assert_eq!(problems[3].message, "unknown colour `blue`");
    let thing = thing.expect("the thing reads, with its invalid fields marked");
    assert!(thing.count.is_invalid() && thing.flag.is_invalid());
    assert_eq!(thing.name.present().map(|n| n.0), Some("x".to_string()));
}

#[test]
fn a_missing_key_names_the_mapping_that_lacks_it() {
    let (thing, problems) = read("count: 1\n");
    let thing = thing.expect("read with `name` assumed");
    assert!(thing.name.is_invalid());
    assert_eq!(thing.count.present().map(|c| c.0), Some(1));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].message, "a thing has no `name`");
    assert_eq!((problems[0].place.line, problems[0].place.column), (1, 1));
}

#[test]
fn a_list_item_that_is_not_a_mapping_is_one_problem() {
    let (thing, problems) = read("name: x\nitems:\n  - red\n  - colour: green\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "an item must be a mapping of keys to values"
    );
    let items = thing.expect("read").items;
    assert!(items[0].is_invalid());
    assert!(
        matches!(&items[1], Field::Present(item, _) if matches!(item.colour, Field::Present(Colour::Green, _)))
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename = "a pair")]
struct Pair {
    left: Field<String>,
    right: Field<String>,
    #[serde(default)]
    weight: Field<i64>,
}

#[test]
fn every_missing_key_is_reported_once_and_the_other_problems_once() {
    let node = wotrules_core::yaml::parse(0, "weight: heavy\ncolour: red\n").expect("YAML");
    let mut problems = Vec::new();
    let pair: Option<Pair> = from_node(&node, &mut problems);
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "a pair has no `left`",
            "a pair has no `right`",
            "unknown key `colour` in a pair",
            "`weight` must be a whole number, not `heavy`",
        ],
        "{problems:#?}"
    );
    // Read with the missing keys assumed: they and the wrong value read as invalid.
    let pair = pair.expect("the pair reads, its missing keys invalid");
    assert!(pair.left.is_invalid() && pair.right.is_invalid() && pair.weight.is_invalid());
}
