//! A dataset: the members and the records that exist as of a date, linked to each other.

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::rows::{MemberRow, RecordRow, Request};
use super::texts::{Text, Texts};
use crate::lang::Direction;

/// A member in a [`Dataset`], with the records linked to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The stored row.
    pub row: MemberRow,
    /// The earliest CATS pass on or before `as_of`.
    pub cats_passed: Option<NaiveDate>,
    /// Whether the member is evaluated (listed in the case, or all members of a database).
    pub evaluated: bool,
    /// Where its records are in [`Dataset::linked`]: the received ones from here, then the
    /// given ones.
    linked: u32,
    /// How many records it received.
    received: u32,
    /// How many records it gave.
    given: u32,
}

/// The two members of a record in a [`Dataset`], by index into [`Dataset::members`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// Index of the assurer.
    pub assurer: u32,
    /// Index of the assuree.
    pub assuree: u32,
}

/// The most records one member may have received or given: rules aggregate over a
/// member's records for each of its records, so more would make evaluation crawl.
pub const MAX_RECORDS_PER_MEMBER: usize = 100_000;

/// The most rows a database's `users` or `notary` table may have: members and records are
/// indexed, and the records' texts stored, in 32 bits, and with three texts and two members
/// a record these stay below 2^32.
pub const MAX_TABLE_ROWS: usize = 1_000_000_000;

/// Everything one evaluation reads: members and the records that exist as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The date evaluated.
    pub as_of: NaiveDate,
    /// The support request, when the case names one.
    pub request: Request,
    /// Members: the evaluated ones and every member a record names.
    pub members: Vec<Member>,
    /// Records entered on or before `as_of` (or with no entry date), sorted by id.
    pub records: Vec<RecordRow>,
    /// The records' texts.
    pub texts: Texts,
    /// The members of each record, by the record's index.
    pub links: Vec<Link>,
    /// Each member's records by index, in one array: the records it received, by id, then
    /// those it gave (see [`Dataset::records_of`]).
    linked: Vec<u32>,
}

impl Dataset {
    /// Links rows into a dataset as of `as_of`: rows entered after it do not exist.
    ///
    /// `evaluated` members are the ones whose outputs are wanted; members that
    /// records name but that have no row get an empty one (unknown date of birth,
    /// no flags, no CATS).
    pub(crate) fn new(
        as_of: NaiveDate,
        request: Request,
        evaluated: Vec<MemberRow>,
        mut rows: Vec<RecordRow>,
        texts: Texts,
    ) -> Self {
        rows.retain(|row| row.when.date().is_none_or(|when| when <= as_of));
        if !rows.is_sorted_by_key(|row| row.id) {
            rows.sort_by_key(|row| row.id);
        }
        rows.shrink_to_fit();
        let ids = evaluated.iter().map(|row| row.id);
        let linked_ids = rows.iter().flat_map(|row| [row.from, row.to]);
        let mut index = MemberIndex::new(ids.chain(linked_ids), evaluated.len() + rows.len());
        let mut members: Vec<Member> = Vec::with_capacity(evaluated.len());
        for row in evaluated {
            index.insert(row.id, members.len());
            members.push(Member::new(row, as_of, true));
        }
        let mut member_index = |id: i64, members: &mut Vec<Member>| {
            index.get_or_insert(id, || {
                let row = MemberRow {
                    id,
                    ..MemberRow::default()
                };
                members.push(Member::new(row, as_of, false));
                members.len() - 1
            })
        };
        let links: Vec<Link> = rows
            .iter()
            .map(|row| Link {
                assurer: member_index(row.from, &mut members) as u32,
                assuree: member_index(row.to, &mut members) as u32,
            })
            .collect();
        // Every member's records in one array: counted, placed, then filled in record order.
        // The counts, then the cursors, are kept apart from the members (8 bytes a member, not
        // a whole `Member`), so that the random accesses, two a record, stay in the caches.
        let mut cursors = vec![(0u32, 0u32); members.len()];
        for link in &links {
            cursors[link.assuree as usize].0 += 1;
            cursors[link.assurer as usize].1 += 1;
        }
        let mut next = 0u32;
        for (member, cursor) in members.iter_mut().zip(&mut cursors) {
            let (received, given) = *cursor;
            (member.linked, member.received, member.given) = (next, received, given);
            *cursor = (next, next + received);
            next += received + given;
        }
        let mut linked = vec![0u32; next as usize];
        for (position, link) in links.iter().enumerate() {
            let received = &mut cursors[link.assuree as usize].0;
            linked[*received as usize] = position as u32;
            *received += 1;
            let given = &mut cursors[link.assurer as usize].1;
            linked[*given as usize] = position as u32;
            *given += 1;
        }
        Self {
            as_of,
            request,
            members,
            records: rows,
            texts,
            links,
            linked,
        }
    }
}

/// Members' indices by id while a [`Dataset`] is linked: a table over the range of the ids
/// when they are dense enough (CAcert's are consecutive), else a hash map. Both give the same
/// indices; the table spares a hash probe at a random place for each end of each record.
enum MemberIndex {
    /// `slots[id - least]` is the index of member `id` ([`NO_MEMBER`]: none yet).
    Table {
        least: i64,
        slots: Vec<u32>,
    },
    Map(FxHashMap<i64, usize>),
}

/// An empty slot of [`MemberIndex::Table`] (member indices stay below 2^32: see
/// [`MAX_TABLE_ROWS`]).
const NO_MEMBER: u32 = u32::MAX;

impl MemberIndex {
    /// An empty index for `ids` (every id it will be asked about), about `expected` of them
    /// distinct: a table when their range is at most four times that.
    fn new(ids: impl Iterator<Item = i64>, expected: usize) -> Self {
        let range = ids.fold(None, |range: Option<(i64, i64)>, id| match range {
            None => Some((id, id)),
            Some((least, greatest)) => Some((least.min(id), greatest.max(id))),
        });
        let table_len = range.and_then(|(least, greatest)| {
            let len = usize::try_from(greatest.checked_sub(least)?)
                .ok()?
                .checked_add(1)?;
            (len <= expected.saturating_mul(4).max(1024)).then_some((least, len))
        });
        match table_len {
            Some((least, len)) => MemberIndex::Table {
                least,
                slots: vec![NO_MEMBER; len],
            },
            None => MemberIndex::Map(FxHashMap::default()),
        }
    }

    /// Makes `index` the member of `id`.
    fn insert(&mut self, id: i64, index: usize) {
        match self {
            MemberIndex::Table { least, slots } => slots[(id - *least) as usize] = index as u32,
            MemberIndex::Map(map) => {
                map.insert(id, index);
            }
        }
    }

    /// The index of member `id`, made by `add` when it has none.
    fn get_or_insert(&mut self, id: i64, add: impl FnOnce() -> usize) -> usize {
        match self {
            MemberIndex::Table { least, slots } => {
                let slot = &mut slots[(id - *least) as usize];
                if *slot == NO_MEMBER {
                    *slot = add() as u32;
                }
                *slot as usize
            }
            MemberIndex::Map(map) => *map.entry(id).or_insert_with(add),
        }
    }
}

impl Dataset {
    /// The content of one of the records' texts.
    pub fn text(&self, text: Text) -> &str {
        self.texts.get(text)
    }

    /// A member with more records than [`MAX_RECORDS_PER_MEMBER`]: its id and how many.
    pub(crate) fn overfull_member(&self) -> Option<(i64, usize)> {
        self.members
            .iter()
            .map(|m| (m.row.id, m.received.max(m.given) as usize))
            .find(|(_, count)| *count > MAX_RECORDS_PER_MEMBER)
    }

    /// The indices of the records member `member` received or gave, by record id.
    pub fn records_of(&self, member: usize, direction: Direction) -> &[u32] {
        let Member {
            linked,
            received,
            given,
            ..
        } = self.members[member];
        let (start, received_end) = (linked as usize, (linked + received) as usize);
        match direction {
            Direction::Received => &self.linked[start..received_end],
            Direction::Given => &self.linked[received_end..received_end + given as usize],
        }
    }

    /// The indices of the records member `member` received, by record id.
    pub fn received(&self, member: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        self.records_of(member, Direction::Received)
            .iter()
            .map(|&r| r as usize)
    }

    /// The members of `chunk` that are evaluated, and the records the chunk's members
    /// received: what a chunk decides.
    pub fn chunk_entities(&self, chunk: &[usize]) -> (Vec<usize>, Vec<usize>) {
        let members = chunk
            .iter()
            .copied()
            .filter(|m| self.members[*m].evaluated)
            .collect();
        let records = chunk.iter().flat_map(|m| self.received(*m)).collect();
        (members, records)
    }

    /// The indices of the records member `member` gave, by record id.
    pub fn given(&self, member: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        self.records_of(member, Direction::Given)
            .iter()
            .map(|&r| r as usize)
    }
}

impl Member {
    fn new(row: MemberRow, as_of: NaiveDate, evaluated: bool) -> Self {
        let cats_passed = row
            .cats_passes
            .iter()
            .copied()
            .filter(|d| *d <= as_of)
            .min();
        Self {
            row,
            cats_passed,
            evaluated,
            linked: 0,
            received: 0,
            given: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_and_a_map_give_members_the_same_indices() {
        let ids = [7, 3, 7, 12, 3, 5, 12, 4];
        let (dense, sparse) = (
            MemberIndex::new(ids.into_iter(), 8),
            MemberIndex::new(ids.into_iter().chain([1 << 40]), 1),
        );
        assert!(matches!(dense, MemberIndex::Table { least: 3, .. }));
        assert!(matches!(sparse, MemberIndex::Map(_)));
        let indices = |mut index: MemberIndex| {
            index.insert(12, 0);
            let mut next = 1;
            ids.map(|id| {
                index.get_or_insert(id, || {
                    next += 1;
                    next - 1
                })
            })
        };
        assert_eq!(indices(dense), [1, 2, 1, 0, 2, 3, 0, 4]);
        assert_eq!(indices(sparse), [1, 2, 1, 0, 2, 3, 0, 4]);
    }
}
