//! "Did you mean" suggestions for misspelt names.

/// The closest of `candidates` to `name`, when one is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min()
        .map(|(_, candidate)| candidate)
}

/// The closest of `candidates` to `name`, phrased as a hint.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

/// The name a [`did_you_mean`] hint proposes (`` did you mean `x`? `` → `x`).
pub fn proposed(help: &str) -> Option<&str> {
    help.strip_prefix("did you mean `")?.strip_suffix("`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposed_name_is_read_back_from_the_hint() {
        let hint = did_you_mean("levle", ["level", "points"]).unwrap_or_default();
        assert_eq!(proposed(&hint), Some("level"));
        assert_eq!(proposed("write `==` to test equality"), None);
    }
}
