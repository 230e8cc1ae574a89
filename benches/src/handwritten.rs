//! The shipped rules written by hand in plain Rust: the baseline an interpreter is measured
//! against. Every number and name here mirrors a rule file in `rules/` (cited per item);
//! `main.rs` checks on a generated database that both give the same outputs.

use chrono::{Datelike, NaiveDate};
use wotrules_core::builtins::has_word;
use wotrules_core::data::{Dataset, Stamp};

const FACE_TO_FACE: &str = "Face to Face Meeting";

/// Outputs of one record, as the schema names them.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordOutputs {
    pub counts: i64,
    pub class: &'static str,
    pub reapply: Option<&'static str>,
    pub reapply_points: Option<i64>,
    pub reapply_location: Option<String>,
    pub findings: Vec<&'static str>,
}

/// Outputs of one member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberOutputs {
    pub assurance_points: i64,
    pub experience_points: i64,
    pub max_award: i64,
    pub level: &'static str,
    pub points_if_reapplied: Option<i64>,
}

struct Record {
    live: bool,
    counts: i64,
    experience_other: i64,
    reapply: Option<&'static str>,
    reapply_points: Option<i64>,
}

fn date(d: Stamp) -> Option<NaiveDate> {
    d.date()
}

fn years_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    let mut years = i64::from(later.year()) - i64::from(earlier.year());
    if (later.month(), later.day()) < (earlier.month(), earlier.day()) {
        years -= 1;
    }
    years
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

/// Every output of every member and record.
// Branches mirror the rows of the rule tables one for one, so some share a value.
#[allow(clippy::if_same_then_else)]
pub fn decide(data: &Dataset) -> (Vec<MemberOutputs>, Vec<RecordOutputs>) {
    let as_of = data.as_of;
    let ruling_1 = as_of >= day(2011, 11, 30); // a20111001.1-ruling-1 effective_from
    let ruling_2 = as_of >= day(2011, 12, 5); // a20111001.1-ruling-2 effective_from
    let motion = as_of >= day(2009, 9, 28); // m20090928.1 effective_from
    let live = |i: usize| {
        let r = &data.records[i];
        date(r.deleted).is_none_or(|d| d > as_of) && date(r.expire).is_none_or(|d| d > as_of)
    };
    let class_of = |i: usize| -> &'static str {
        let r = &data.records[i];
        // rulings/a20091118.1.yaml `ttp_mark`: TTP or TPP as a whole word, any case.
        let mark = has_word(data.text(r.location), "TTP") || has_word(data.text(r.location), "TPP");
        match data.text(r.method) {
            FACE_TO_FACE if mark => "ttp",
            FACE_TO_FACE => "face-to-face",
            "Trusted Third Parties" => "ttp",
            "TTP-Assisted" => "ttp-assisted",
            "TOPUP" => "topup",
            "Thawte Points Transfer" => "tverify",
            "Administrative Increase" => "administrative",
            "" | "Unknown" => "unknown",
            _ => "other",
        }
    };
    let lives: Vec<bool> = (0..data.records.len()).map(live).collect();
    let classes: Vec<&'static str> = (0..data.records.len()).map(class_of).collect();
    // ttp/ttp-assisted.yaml: the admins of earlier live TTP-Assisted assurances.
    let earlier_admins = |i: usize, other_than_this: bool| -> usize {
        let r = &data.records[i];
        let assuree = data.links[i].assuree as usize;
        let when = date(r.when);
        let mut admins: Vec<i64> = Vec::new();
        for j in data.received(assuree) {
            let other = &data.records[j];
            let earlier = match (date(other.when), when) {
                (Some(a), Some(b)) => a <= b,
                _ => true,
            };
            if classes[j] == "ttp-assisted"
                && lives[j]
                && other.id != r.id
                && (!other_than_this || other.from != r.from)
                && earlier
                && !admins.contains(&other.from)
            {
                admins.push(other.from);
            }
        }
        admins.len()
    };
    let cats_before = |i: usize| {
        let assuree = &data.members[data.links[i].assuree as usize];
        assuree
            .cats_passed
            .is_some_and(|cats| date(data.records[i].when).is_none_or(|when| cats <= when))
    };
    let mut records = Vec::with_capacity(data.records.len());
    let mut outputs = Vec::with_capacity(data.records.len());
    for i in 0..data.records.len() {
        let r = &data.records[i];
        let value = r.awarded.max(r.points).max(0);
        let method = data.text(r.method);
        let tverify = [
            "Thawte Points Transfer",
            "CT Magazine - Germany",
            "Temporary Increase",
        ];
        let method_points = if motion && tverify.contains(&method) && as_of >= day(2010, 11, 16) {
            0 // m20090928.1 f
        } else if method == "TOPUP" {
            let valid = earlier_admins(i, true) >= 2 && cats_before(i);
            if valid { value.min(35) } else { 0 } // ttp-assisted.yaml, priority 11
        } else if method == "TTP-Assisted" {
            value.min(35) // ttp-assisted.yaml, priority 10
        } else if tverify.contains(&method) {
            value
        } else if method == "Administrative Increase" {
            if value <= 2 { 0 } else { value }
        } else if [FACE_TO_FACE, "Trusted Third Parties", "Unknown", ""].contains(&method) {
            value
        } else {
            0
        };
        let (counts, experience_other) = if lives[i] {
            (method_points.min(100), (method_points - 100).max(0))
        } else {
            (0, 0)
        };
        // rulings/a20111001.1-ruling-1.yaml
        let entered_on =
            date(r.when).or_else(|| wotrules_core::lang::parse_calendar_date(data.text(r.date)));
        let reduced = (counts == 0 && r.points == 0)
            || (r.awarded > 0 && r.awarded <= 35 && r.points < r.awarded)
            || (r.awarded == 0 && r.points < 35);
        let ttp_mark =
            has_word(data.text(r.location), "TTP") || has_word(data.text(r.location), "TPP");
        let ruling_1_reapply = if method != FACE_TO_FACE {
            "not-eligible"
        } else if entered_on.is_none() {
            "on-hold"
        } else if entered_on.is_some_and(|d| d >= day(2006, 9, 1)) {
            "not-eligible"
        } else if ttp_mark || !reduced {
            "not-eligible"
        } else if data.text(r.location).trim().is_empty() {
            "on-hold"
        } else {
            "eligible"
        };
        let reapply = (ruling_1 && lives[i]).then_some(ruling_1_reapply);
        let eligible = reapply == Some("eligible");
        let reapply_points =
            (ruling_1 && eligible).then(|| if r.awarded > 0 { r.awarded.min(35) } else { 35 });
        let reapply_location = match (&data.request.ticket, ruling_1 && eligible) {
            (Some(ticket), true) => Some(format!(
                "RE: {}, [{ticket}], {}",
                data.text(r.location).trim(),
                r.id
            )),
            _ => None,
        };
        let mut findings = Vec::new();
        if classes[i] == "topup" {
            if earlier_admins(i, false) < 2 {
                findings.push("topup-without-two-ttp");
            }
            let assuree = data.links[i].assuree as usize;
            let same_admin = data.received(assuree).any(|j| {
                classes[j] == "ttp-assisted"
                    && lives[j]
                    && data.records[j].id != r.id
                    && data.records[j].from == r.from
            });
            if earlier_admins(i, true) < 2 && same_admin {
                findings.push("topup-same-admin");
            }
            if !cats_before(i) {
                findings.push("topup-before-cats");
            }
        }
        if ruling_2 && data.request.mismatch.is_some() && eligible {
            findings.push("new-dispute-required");
        }
        records.push(Record {
            live: lives[i],
            counts,
            experience_other,
            reapply,
            reapply_points,
        });
        outputs.push(RecordOutputs {
            counts,
            class: classes[i],
            reapply,
            reapply_points,
            reapply_location,
            findings,
        });
    }
    let members = (0..data.members.len())
        .filter(|&m| data.members[m].evaluated)
        .map(|m| {
            let member = &data.members[m];
            // ap/member.yaml
            let received = data.received(m).map(|i| &records[i]);
            let assurance_points = received.clone().map(|r| r.counts).sum::<i64>().min(100);
            let age = member.row.dob.map(|dob| years_between(dob, as_of));
            let given_f2f = data
                .given(m)
                .filter(|&i| records[i].live && data.text(data.records[i].method) == FACE_TO_FACE)
                .count() as i64;
            let raw = 2 * given_f2f + received.clone().map(|r| r.experience_other).sum::<i64>();
            let experience_points = if assurance_points < 100 {
                0
            } else if age.is_some_and(|a| a < 14) {
                0
            } else if age.is_some_and(|a| a < 18) {
                raw.min(10)
            } else {
                raw.min(50)
            };
            let level = if assurance_points >= 100
                && member.cats_passed.is_some()
                && age.is_none_or(|a| a >= 14)
                && !member.row.assurer_blocked
            {
                "assurer"
            } else if member.row.assurer {
                "assurer-on-hold"
            } else if assurance_points >= 50 {
                "assured"
            } else {
                "unassured"
            };
            let table = match experience_points {
                0..10 => 10,
                10..20 => 15,
                20..30 => 20,
                30..40 => 25,
                40..50 => 30,
                _ => 35,
            };
            let max_award = if level != "assurer" {
                0
            } else if age.is_some_and(|a| a < 18) {
                table.min(10)
            } else {
                table
            };
            let points_if_reapplied = ruling_1.then(|| {
                let gain: i64 = received
                    .filter(|r| r.reapply == Some("eligible"))
                    .map(|r| r.reapply_points.unwrap_or(0) - r.counts)
                    .sum();
                (assurance_points + gain).min(100)
            });
            MemberOutputs {
                assurance_points,
                experience_points,
                max_award,
                level,
                points_if_reapplied,
            }
        })
        .collect();
    (members, outputs)
}
