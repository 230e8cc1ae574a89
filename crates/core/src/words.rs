//! How counts are said in the text people read.

/// `n` things in words: "1 member", "8 records" (the noun given in the singular, made
/// plural by an `s`).
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
