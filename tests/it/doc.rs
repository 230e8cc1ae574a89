//! `wotrules doc`: a self-contained site of the rule set — every rule file a page with its
//! definitions and tables, cites linked to the reference, overrides linked both ways, the
//! rows no test made true or false marked, what reads what, an offline search — written
//! all or nothing.

use crate::support::{root, wotrules};

fn site(args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("site");
    let mut all = vec!["doc", "--out", out.to_str().expect("UTF-8")];
    all.extend_from_slice(args);
    let run = wotrules(&root(), &all);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    (dir, out)
}

fn page(out: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_rule_file_has_a_page_linked_from_the_index_and_nothing_loads_from_elsewhere() {
    let (_dir, out) = site(&[]);
    let index = page(&out, "index.html");
    for file in [
        "ap-member",
        "ap-points",
        "m20090928.1",
        "a20111001.1-ruling-1",
        "ttp-assist",
    ] {
        let name = format!("file-{file}.html");
        assert!(index.contains(&format!("href=\"{name}\"")), "{name} linked");
        let html = page(&out, &name);
        for outside in ["src=\"http", "<link", "@import", "url("] {
            assert!(!html.contains(outside), "{name} loads {outside}");
        }
    }
    // The search works offline: its index is in the page.
    assert!(index.contains("const INDEX = [") && index.contains("\"assurer-on-hold\""));
    assert!(!index.contains("<script src"));
}

#[test]
fn a_page_shows_tables_cites_overrides_and_what_no_test_reached() {
    let (_dir, out) = site(&[]);
    let member = page(&out, "file-ap-member.html");
    // The level table, its first condition as fmt prints it, its outcome.
    assert!(member.contains("id=\"def-member-level\""));
    assert!(
        member.contains("<code>member.assurance_points &gt;= 100 and member.cats_passed != null"),
        "{member}"
    );
    assert!(member.contains("<strong>assurer-on-hold</strong>"));
    // A cite's reference section, linked to the reference page, which has it.
    assert!(member.contains("reference <a href=\"reference.html#s3\">§3</a>"));
    assert!(page(&out, "reference.html").contains("id=\"s3\""));
    // An override linked to its target, and the target back to it.
    let motion = page(&out, "file-m20090928.1.html");
    assert!(
        motion.contains("amends <a href=\"file-ap-points.html#def-record-method_points\">"),
        "{motion}"
    );
    let points = page(&out, "file-ap-points.html");
    assert!(
        points.contains("amended by <a href=\"file-m20090928.1.html#override-"),
        "{points}"
    );
    // The shipped tests cover every branch: no mark. Without the tests, rows are marked.
    assert!(!member.contains("never true") && !member.contains("never false"));
    let dir = tempfile::tempdir().expect("a temporary directory");
    crate::support::copy_dir(&root().join("rules"), &dir.path().join("rules"));
    std::fs::remove_dir_all(dir.path().join("rules/tests")).expect("removed");
    let bare = dir.path().join("site");
    let run = wotrules(dir.path(), &["doc", "--out", bare.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(0), "{}", run.transcript());
    assert!(
        !page(&bare, "file-ap-member.html").contains("never true"),
        "no tests: nothing claimed"
    );
}

#[test]
fn the_graph_draws_what_reads_what_and_a_draft_is_marked() {
    let (_dir, out) = site(&["--draft", "rules/drafts/legacy-points/b.yaml"]);
    let graph = page(&out, "graph.html");
    assert!(graph.contains("<svg") && graph.contains(">member.level</text>"));
    let draft = page(&out, "file-legacy-points-b.html");
    assert!(draft.contains("DRAFT: not CAcert policy"));
    assert!(page(&out, "index.html").contains("<span class=\"badge draft\">DRAFT</span>"));
}

#[test]
fn an_existing_folder_is_never_written_into() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("mine.txt"), "mine").expect("written");
    let run = wotrules(
        &root(),
        &["doc", "--out", dir.path().to_str().expect("UTF-8")],
    );
    assert_eq!(run.code, Some(2), "{}", run.transcript());
    assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 1);
}

/// Every page of the site, parsed as HTML (scraper, an HTML5 parser): every definition of
/// the program has its anchor on its file's page, every link inside the site resolves (the
/// page exists, and so does the anchor), and nothing is loaded from elsewhere.
#[test]
fn every_link_resolves_and_every_definition_has_its_anchor() {
    use scraper::{Html, Selector};
    let (_dir, out) = site(&[]);
    let mut pages = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&out).expect("listed") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        pages.insert(
            name,
            Html::parse_document(&std::fs::read_to_string(&path).expect("read")),
        );
    }
    let ids = Selector::parse("[id]").expect("a selector");
    let anchors: std::collections::BTreeMap<&String, Vec<String>> = pages
        .iter()
        .map(|(name, html)| {
            (
                name,
                html.select(&ids)
                    .filter_map(|e| e.attr("id").map(str::to_owned))
                    .collect(),
            )
        })
        .collect();
    let links = Selector::parse("a[href]").expect("a selector");
    let mut checked = 0;
    for (name, html) in &pages {
        for link in html.select(&links) {
            let href = link.attr("href").expect("an href");
            if href.starts_with("https://") || href.starts_with("http://") {
                continue; // a rule file's published source: a link to follow, not a request
            }
            let (target, anchor) = href
                .split_once('#')
                .map_or((href, None), |(t, a)| (t, Some(a)));
            let target = if target.is_empty() {
                name.as_str()
            } else {
                target
            };
            let Some(ids) = anchors.get(&target.to_owned()) else {
                panic!("{name}: link to {href}: no page {target}");
            };
            if let Some(anchor) = anchor {
                assert!(
                    ids.iter().any(|id| id == anchor),
                    "{name}: link to {href}: no anchor"
                );
            }
            checked += 1;
        }
        let loads = Selector::parse("script[src], link, img, iframe, object, embed, [style*=url]")
            .expect("a selector");
        assert_eq!(html.select(&loads).count(), 0, "{name} loads something");
    }
    assert!(checked > 100, "{checked} links checked");
    // Every definition of the shipped rules has its anchor.
    let rules = wotrules_session::RulesFrom::Directory(root().join("rules"))
        .rules()
        .expect("the rules");
    for definition in &rules.program.definitions {
        let anchor = format!("def-{}-{}", definition.scope.name(), definition.name);
        assert!(
            anchors.values().any(|ids| ids.contains(&anchor)),
            "{anchor}"
        );
    }
}
