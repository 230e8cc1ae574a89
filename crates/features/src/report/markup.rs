//! Markup for a ruling: what each wiki (and web) syntax spells its own way.

/// An item of a list, with the items nested under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's markup.
    pub text: String,
    /// The items under it.
    pub children: Vec<Item>,
}

impl Item {
    /// An item of `text` with nothing under it.
    pub fn new(text: String) -> Self {
        Self {
            text,
            children: Vec::new(),
        }
    }
}

/// A markup language a ruling is written in. Text from the data always goes through
/// [`Markup::text`]: it is data, never markup.
pub trait Markup: Sync {
    /// Text as data: markup characters escaped, control characters made visible.
    fn text(&self, text: &str) -> String;

    /// Rule text (a condition) as code.
    fn code(&self, text: &str) -> String;

    /// Emphasised text (escaped).
    fn bold(&self, text: &str) -> String;

    /// A heading of `level` (1: the document's title), escaped, with its line end.
    fn heading(&self, level: usize, text: &str) -> String;

    /// A table of markup cells under a header.
    fn table(&self, header: &[String], rows: &[Vec<String>]) -> String;

    /// A list, its items nested as they are.
    fn list(&self, items: &[Item]) -> String;
}
