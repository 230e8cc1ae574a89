//! A deterministic synthetic CAcert population, for benchmarks and load tests.
//!
//! Every distribution comes from a profile file (`benches/population.yaml`); the
//! generator knows the shape of the tables, not CAcert's methods or dates.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use wotrules_core::data::Rows;
use wotrules_core::data::{Contact, MemberRow, RecordRow, Request, Texts};
use wotrules_core::diag::{Diagnostic, DiagnosticCode};

/// The distributions of a population.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    period: Span,
    received: Vec<(usize, u64)>,
    big_assurers_per_10000: usize,
    big_assurer_share: u64,
    ttp_admins: usize,
    methods: Vec<Method>,
    awarded_recorded_from: String,
    round_down_to: i64,
    locations: Vec<String>,
    marked_locations: Vec<String>,
    marked_location_percent: u64,
    empty_location_percent: u64,
    unparsable_date_percent: u64,
    unparsable_dates: Vec<String>,
    missing_when_percent: u64,
    revoked_percent: u64,
    expired_percent: u64,
    cats_percent: u64,
    cats_from: String,
    cats_type: i64,
    assurer_flag_percent: u64,
    blocked_percent: u64,
    dob: DobSpan,
    first_names: Vec<String>,
    last_names: Vec<String>,
    email_domain: String,
    account_deleted_percent: u64,
    locked_percent: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    from: String,
    until: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DobSpan {
    from: String,
    until: String,
    unknown_percent: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Method {
    name: String,
    from: String,
    until: Option<String>,
    weight: u64,
    points: (i64, i64),
    #[serde(default)]
    located: bool,
    #[serde(default)]
    by: Option<String>,
}

/// Reads a profile; a bad one is a diagnostic naming the field.
pub fn read_profile(path: &str, text: &str) -> Result<Profile, Diagnostic> {
    let node = wotrules_core::yaml::parse(0, text).map_err(|e| {
        Diagnostic::error(DiagnosticCode::BadProfile, e.message)
            .at(wotrules_core::diag::Location::in_text(
                path, text, e.line, e.column, 1,
            ))
            .help("see benches/population.yaml for the profile format")
    })?;
    let mut problems = Vec::new();
    let profile = wotrules_core::yaml::from_node(&node, &mut problems);
    match (profile, problems.into_iter().next()) {
        (Some(profile), None) => Ok(profile),
        // `from_node` gives no value only with a problem recorded.
        (_, problem) => Err(Diagnostic {
            code: DiagnosticCode::BadProfile,
            help: Some("see benches/population.yaml for the profile format".into()),
            ..problem.map_or_else(
                || Diagnostic::error(DiagnosticCode::BadProfile, "the profile cannot be read"),
                |problem| problem.diagnostic(path, text),
            )
        }),
    }
}

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1).max(1) as u64) as i64
    }

    fn day(&mut self, from: NaiveDate, until: NaiveDate) -> NaiveDate {
        let days = (until - from).num_days().max(0);
        from + Duration::days(self.between(0, days))
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn date(field: &str, text: &str) -> Result<NaiveDate, Diagnostic> {
    wotrules_core::lang::parse_calendar_date(text).ok_or_else(|| {
        Diagnostic::error(
            DiagnosticCode::BadProfile,
            format!("`{field}`: `{text}` is not a date"),
        )
        .help("write YYYY-MM-DD")
    })
}

struct Dates {
    from: NaiveDate,
    until: NaiveDate,
    awarded_from: NaiveDate,
    cats_from: NaiveDate,
    dob_from: NaiveDate,
    dob_until: NaiveDate,
    methods: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl Profile {
    fn dates(&self) -> Result<Dates, Diagnostic> {
        let methods = self
            .methods
            .iter()
            .map(|m| {
                let until = m
                    .until
                    .as_deref()
                    .map(|u| date("methods.until", u))
                    .transpose()?;
                Ok((date("methods.from", &m.from)?, until))
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(Dates {
            from: date("period.from", &self.period.from)?,
            until: date("period.until", &self.period.until)?,
            awarded_from: date("awarded_recorded_from", &self.awarded_recorded_from)?,
            cats_from: date("cats_from", &self.cats_from)?,
            dob_from: date("dob.from", &self.dob.from)?,
            dob_until: date("dob.until", &self.dob.until)?,
            methods,
        })
    }
}

impl Profile {
    /// The `cats_variant.type_id` of the generated passes, in a dump of the production
    /// schema.
    pub fn cats_type(&self) -> i64 {
        self.cats_type
    }
}

/// `members` members and their notary rows, the same for the same profile and seed.
pub fn generate(profile: &Profile, members: usize, seed: u64) -> Result<Rows, Diagnostic> {
    let dates = profile.dates()?;
    if profile.received.is_empty() || profile.methods.is_empty() || profile.locations.is_empty() {
        return Err(Diagnostic::error(
            DiagnosticCode::BadProfile,
            "`received`, `methods` and `locations` must not be empty",
        ));
    }
    let mut random = Random(seed);
    // Accounts draw from a stream of their own, so the notary rows of a seed stay as they were.
    let mut accounts = Random(seed ^ 0x00ac_c0a7);
    let members = members.max(2);
    let big = (members * profile.big_assurers_per_10000 / 10_000).clamp(1, members - 1);
    let admins = profile.ttp_admins.clamp(1, members - 1);
    let total_weight: u64 = profile.received.iter().map(|(_, w)| w).sum();
    let mut users = Vec::with_capacity(members);
    let mut records = Vec::new();
    let mut texts = Texts::default();
    for index in 0..members {
        let id = index as i64 + 1;
        let is_big = index < big;
        let cats = (is_big || random.percent(profile.cats_percent))
            .then(|| random.day(dates.cats_from, dates.until));
        users.push(MemberRow {
            id,
            dob: (!random.percent(profile.dob.unknown_percent))
                .then(|| random.day(dates.dob_from, dates.dob_until)),
            assurer: is_big || random.percent(profile.assurer_flag_percent),
            assurer_blocked: random.percent(profile.blocked_percent),
            ttpadmin: i64::from(index >= big && index < big + admins),
            cats_passes: cats.into_iter().collect(),
            deleted: accounts
                .percent(profile.account_deleted_percent)
                .then(|| accounts.day(dates.from, dates.until)),
            locked: accounts.percent(profile.locked_percent),
            contact: Some(Box::new(contact(profile, &mut accounts, id))),
        });
        let mut draw = random.below(total_weight.max(1));
        let count = profile
            .received
            .iter()
            .find(|(_, weight)| {
                let hit = draw < *weight;
                draw = draw.saturating_sub(*weight);
                hit
            })
            .map_or(0, |(count, _)| *count);
        for _ in 0..count {
            let row = record(
                profile,
                &dates,
                &mut random,
                records.len() as i64 + 1,
                id,
                members,
                big,
                admins,
                &mut texts,
            );
            records.push(row);
        }
    }
    Ok(Rows {
        as_of: None,
        request: Request::default(),
        members: users,
        records,
        texts,
    })
}

/// A name from the profile's lists and an address unique to the member.
fn contact(profile: &Profile, random: &mut Random, id: i64) -> Contact {
    let pick = |random: &mut Random, names: &[String]| {
        if names.is_empty() {
            String::new()
        } else {
            random.pick(names).clone()
        }
    };
    let fname = pick(random, &profile.first_names);
    let lname = pick(random, &profile.last_names);
    Contact {
        email: format!("member{id}@{}", profile.email_domain),
        fname,
        mname: String::new(),
        lname,
        suffix: String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    profile: &Profile,
    dates: &Dates,
    random: &mut Random,
    id: i64,
    to: i64,
    members: usize,
    big: usize,
    admins: usize,
    texts: &mut Texts,
) -> RecordRow {
    let day = random.day(dates.from, dates.until);
    let in_use: Vec<usize> = (0..profile.methods.len())
        .filter(|i| {
            let (from, until) = dates.methods[*i];
            from <= day && until.is_none_or(|u| day < u)
        })
        .collect();
    let weight: u64 = in_use.iter().map(|i| profile.methods[*i].weight).sum();
    let mut draw = random.below(weight.max(1));
    let method = in_use
        .iter()
        .map(|i| &profile.methods[*i])
        .find(|m| {
            let hit = draw < m.weight;
            draw = draw.saturating_sub(m.weight);
            hit
        })
        .unwrap_or(&profile.methods[0]);
    let mut from = if method.by.as_deref() == Some("ttp_admin") {
        (big + random.below(admins as u64) as usize) as i64 + 1
    } else if random.percent(profile.big_assurer_share) {
        random.below(big as u64) as i64 + 1
    } else {
        random.below(members as u64) as i64 + 1
    };
    if from == to {
        from = to % members as i64 + 1;
    }
    let mut points = random.between(method.points.0, method.points.1);
    let mut awarded = points;
    if day < dates.awarded_from {
        awarded = 0;
        points -= points % profile.round_down_to.max(1);
    }
    let location = if !method.located || random.percent(profile.empty_location_percent) {
        String::new()
    } else if random.percent(profile.marked_location_percent)
        && !profile.marked_locations.is_empty()
    {
        random.pick(&profile.marked_locations).clone()
    } else {
        random.pick(&profile.locations).clone()
    };
    let text_date = if random.percent(profile.unparsable_date_percent)
        && !profile.unparsable_dates.is_empty()
    {
        random.pick(&profile.unparsable_dates).clone()
    } else {
        day.to_string()
    };
    let when: Option<NaiveDateTime> = (!random.percent(profile.missing_when_percent)).then(|| {
        (day + Duration::days(random.between(0, 14))).and_time(chrono::NaiveTime::MIN)
            + Duration::seconds(random.between(0, 86_399))
    });
    let later = |random: &mut Random| when.map(|w| w + Duration::days(random.between(1, 2_000)));
    let deleted = if random.percent(profile.revoked_percent) {
        later(random)
    } else {
        None
    };
    let expire = if random.percent(profile.expired_percent) {
        later(random)
    } else {
        None
    };
    RecordRow {
        id,
        from,
        to,
        points,
        awarded,
        method: texts.intern(&method.name),
        location: texts.intern(&location),
        date: texts.intern(&text_date),
        when: when.into(),
        expire: expire.into(),
        deleted: deleted.into(),
    }
}
