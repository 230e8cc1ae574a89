//! The records' texts, each distinct text stored once.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::rows::RecordRow;

/// A text of the records, by its place in their [`Texts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text(u32);

impl Text {
    /// Its place among the texts (equal texts of one [`Texts`] have equal places).
    pub(crate) fn index(self) -> u32 {
        self.0
    }

    /// The text at place `index` (one [`Text::index`] gave).
    pub(crate) fn at(index: u32) -> Self {
        Self(index)
    }
}

/// The text columns of a set of records, each distinct text stored once in one buffer (a few
/// methods, cities and days repeat across millions of rows): a record holds a 4-byte [`Text`]
/// instead of a shared string's 16 bytes and allocation.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    /// Every text, one after the other.
    bytes: String,
    /// Where each text ends in `bytes`, by [`Text`].
    ends: Vec<usize>,
    /// Every text by the hash of its content, to store each once.
    index: HashTable<u32>,
}

impl Texts {
    /// The text `text` is stored as, stored now if it is new.
    pub fn intern(&mut self, text: &str) -> Text {
        let hash = content_hash(text);
        let Self { bytes, ends, index } = self;
        if let Some(&known) = index.find(hash, |&t| text_in(bytes, ends, t) == text) {
            return Text(known);
        }
        // Below 2^32: a database has at most `MAX_TABLE_ROWS` (10^9) records of three texts
        // each, checked when it is read, so the distinct texts are fewer than 2^32.
        #[allow(clippy::expect_used)]
        let new = u32::try_from(ends.len()).expect("fewer than 2^32 distinct texts");
        bytes.push_str(text);
        ends.push(bytes.len());
        index.insert_unique(hash, new, |&t| content_hash(text_in(bytes, ends, t)));
        Text(new)
    }

    /// Takes in `other`'s texts, and makes `rows`, whose texts are `other`'s, refer to them.
    pub fn absorb(&mut self, other: Texts, rows: &mut [RecordRow]) {
        let moved: Vec<Text> = (0..other.ends.len() as u32)
            .map(|text| self.intern(text_in(&other.bytes, &other.ends, text)))
            .collect();
        for row in rows {
            for text in [&mut row.method, &mut row.location, &mut row.date] {
                *text = moved[text.0 as usize];
            }
        }
    }

    /// The text `text` is stored as, if it is stored.
    pub(crate) fn find(&self, text: &str) -> Option<Text> {
        let Self { bytes, ends, index } = self;
        index
            .find(content_hash(text), |&t| text_in(bytes, ends, t) == text)
            .map(|&known| Text(known))
    }

    /// The content of `text`.
    pub fn get(&self, text: Text) -> &str {
        text_in(&self.bytes, &self.ends, text.0)
    }
}

/// Texts are equal when they hold the same texts under the same [`Text`]s.
impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && self.ends == other.ends
    }
}

fn content_hash(text: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(text)
}

fn text_in<'a>(bytes: &'a str, ends: &[usize], text: u32) -> &'a str {
    let text = text as usize;
    let start = if text == 0 { 0 } else { ends[text - 1] };
    &bytes[start..ends[text]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_is_stored_once_and_read_back_as_written() {
        let mut texts = Texts::default();
        let written = ["a method", "", "Berlin", "a method", "ß – TTP"];
        let stored: Vec<Text> = written.iter().map(|t| texts.intern(t)).collect();
        assert_eq!(stored[0], stored[3]);
        assert_ne!(stored[0], stored[2]);
        for (text, symbol) in written.iter().zip(&stored) {
            assert_eq!(texts.get(*symbol), *text);
        }
        assert_eq!(texts.ends.len(), 4);
    }
}
