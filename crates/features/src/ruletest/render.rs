//! A test run as text (for a person), JSON (for a program) and JUnit XML (for CI systems
//! that draw test results: GitLab, Jenkins, GitHub actions that read JUnit).

use std::fmt::Write;

use serde_json::{Value as Json, json};

use super::suite::Suite;

/// Text: each failure at its place, with `verbose` every test's line; the coverage per
/// rule file with its gaps; the counts; the threshold when it is missed.
pub fn text(suite: &Suite, verbose: bool) -> String {
    let mut out = String::new();
    for outcome in &suite.outcomes {
        if verbose {
            let status = if outcome.failures.is_empty() {
                "ok"
            } else {
                "FAILED"
            };
            let _ = writeln!(
                out,
                "{status:<6} {}:{}: {}",
                outcome.file, outcome.line, outcome.name
            );
        }
        for failure in &outcome.failures {
            let _ = writeln!(
                out,
                "{}: test `{}`: {}",
                failure.at, failure.test, failure.message
            );
        }
    }
    if let Some(files) = &suite.coverage {
        out.push_str("coverage:\n");
        for file in files {
            let _ = writeln!(
                out,
                "  {}: {}/{} branches, {}",
                file.path,
                file.covered,
                file.total,
                percent(file.covered, file.total)
            );
            for gap in &file.gaps {
                let _ = writeln!(out, "    {}: {} ({})", gap.at, gap.missing, gap.what);
            }
        }
    }
    if let Some((covered, total)) = suite.coverage_totals() {
        let _ = writeln!(
            out,
            "total: {covered}/{total} branches, {}",
            percent(covered, total)
        );
    }
    let (passed, failed) = suite.counts();
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    if let (true, Some(threshold)) = (suite.below_threshold(), suite.threshold) {
        let _ = writeln!(
            out,
            "coverage {:.1} % is below the threshold of {threshold} %",
            suite.coverage_percent().unwrap_or_default()
        );
    }
    out
}

/// One JSON document: every test with its failures, the counts, the coverage per rule file
/// with its gaps, and whether the run passed.
pub fn json(suite: &Suite) -> String {
    let tests: Vec<Json> = suite
        .outcomes
        .iter()
        .map(|outcome| {
            json!({
                "file": outcome.file,
                "line": outcome.line,
                "name": outcome.name,
                "passed": outcome.failures.is_empty(),
                "failures": outcome.failures.iter().map(|f| json!({
                    "at": f.at,
                    "message": f.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (passed, failed) = suite.counts();
    let coverage = suite.coverage.as_ref().map(|files| {
        let (covered, total) = suite.coverage_totals().unwrap_or_default();
        json!({
            "covered": covered,
            "total": total,
            "percent": round(suite.coverage_percent().unwrap_or_default()),
            "threshold": suite.threshold,
            "files": files.iter().map(|file| json!({
                "path": file.path,
                "covered": file.covered,
                "total": file.total,
                "gaps": file.gaps.iter().map(|gap| json!({
                    "at": gap.at,
                    "what": gap.what,
                    "missing": gap.missing,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    });
    let document = json!({
        "format": crate::report::JSON_FORMAT,
        "tool": concat!("wotrules ", env!("CARGO_PKG_VERSION")),
        "passed": suite.passed(),
        "counts": {"passed": passed, "failed": failed},
        "tests": tests,
        "coverage": coverage,
    });
    format!("{document:#}\n")
}

/// JUnit XML: a test suite per test file, a test case per test, a `<failure>` per failed
/// test with every expectation that did not hold; a missed coverage threshold is a failed
/// test case of its own, so that CI shows why the run failed.
pub fn junit(suite: &Suite) -> String {
    let mut files: Vec<&str> = Vec::new();
    for outcome in &suite.outcomes {
        if !files.contains(&outcome.file.as_str()) {
            files.push(&outcome.file);
        }
    }
    let (passed, failed) = suite.counts();
    let threshold_failed = usize::from(suite.below_threshold());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"wotrules test\" tests=\"{}\" failures=\"{}\">",
        passed + failed + usize::from(suite.threshold.is_some()),
        failed + threshold_failed
    );
    for file in files {
        let mine: Vec<_> = suite.outcomes.iter().filter(|o| o.file == file).collect();
        let failures = mine.iter().filter(|o| !o.failures.is_empty()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml(file),
            mine.len()
        );
        for outcome in mine {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                xml(file),
                xml(&outcome.name),
                xml(file),
                outcome.line
            );
            match outcome.failures.first() {
                None => out.push_str("/>\n"),
                Some(first) => {
                    let details: Vec<String> = outcome
                        .failures
                        .iter()
                        .map(|f| format!("{}: {}", f.at, f.message))
                        .collect();
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml(&first.message),
                        xml(&details.join("\n"))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    if let Some(threshold) = suite.threshold {
        let percent = suite.coverage_percent().unwrap_or_default();
        let _ = writeln!(
            out,
            "  <testsuite name=\"coverage\" tests=\"1\" failures=\"{threshold_failed}\">"
        );
        let name = format!("branch coverage {percent:.1} % (threshold {threshold} %)");
        if threshold_failed == 1 {
            let _ = writeln!(
                out,
                "    <testcase classname=\"coverage\" name=\"{}\">\n      <failure message=\"coverage {percent:.1} % is below the threshold of {threshold} %\"/>\n    </testcase>",
                xml(&name)
            );
        } else {
            let _ = writeln!(
                out,
                "    <testcase classname=\"coverage\" name=\"{}\"/>",
                xml(&name)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text made safe inside an XML attribute or element; characters XML 1.0 cannot hold
/// (control characters other than tab and newline) are written as `\u{…}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn percent(covered: usize, total: usize) -> String {
    format!("{:.1} %", super::coverage::ratio(covered, total))
}

fn round(percent: f64) -> f64 {
    (percent * 10.0).round() / 10.0
}
