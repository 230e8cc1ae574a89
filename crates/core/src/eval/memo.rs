//! The memo: each definition's value for each entity, computed once.
//!
//! Dense slots for the entities in focus (every entity, or one chunk of members and the
//! records they received), and a map for entities outside the focus that a rule reaches
//! (the records a member gave). Evaluating a large database chunk by chunk keeps memory
//! proportional to the chunk, not to the database.

use rustc_hash::FxHashMap;

use super::{Decision, Result};
use crate::check::program::{DefId, Program};
use crate::data::Dataset;
use crate::lang::Scope;
use crate::lang::Value;

const NOT_LOCAL: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(super) enum Slot {
    Empty,
    Done(Result<Value>, Decision),
}

pub(super) struct Memo {
    scopes: Vec<Scope>,
    /// Per definition, the slots of the focused entities of its scope, by local index.
    dense: Vec<Vec<Slot>>,
    /// Per definition and local index, the focus its slot was written in: a slot written in
    /// an earlier focus is empty, so a new focus clears nothing.
    written: Vec<Vec<u32>>,
    /// The current focus (never 0, the stamp of a slot never written).
    focus: u32,
    member_local: Vec<u32>,
    record_local: Vec<u32>,
    focused_members: Vec<usize>,
    focused_records: Vec<usize>,
    outside: FxHashMap<(DefId, usize), Slot>,
}

impl Memo {
    /// A memo focused on every member and record.
    pub(super) fn everything(program: &Program, data: &Dataset) -> Self {
        let mut memo = Self::unfocused(program, data);
        let members: Vec<usize> = (0..data.members.len()).collect();
        let records: Vec<usize> = (0..data.records.len()).collect();
        memo.set_focus(members, records);
        memo
    }

    /// A memo focused on nothing yet.
    pub(super) fn unfocused(program: &Program, data: &Dataset) -> Self {
        let scopes: Vec<Scope> = program.definitions.iter().map(|d| d.scope).collect();
        Self {
            dense: vec![Vec::new(); scopes.len()],
            written: vec![Vec::new(); scopes.len()],
            focus: 0,
            scopes,
            member_local: vec![NOT_LOCAL; data.members.len()],
            record_local: vec![NOT_LOCAL; data.records.len()],
            focused_members: Vec::new(),
            focused_records: Vec::new(),
            outside: FxHashMap::default(),
        }
    }

    /// Forgets everything and focuses on `members` and the records they received.
    pub(super) fn focus(&mut self, data: &Dataset, members: &[usize]) {
        let records: Vec<usize> = members.iter().flat_map(|m| data.received(*m)).collect();
        self.set_focus(members.to_vec(), records);
    }

    fn set_focus(&mut self, members: Vec<usize>, records: Vec<usize>) {
        for m in self.focused_members.drain(..) {
            self.member_local[m] = NOT_LOCAL;
        }
        for r in self.focused_records.drain(..) {
            self.record_local[r] = NOT_LOCAL;
        }
        for (local, m) in members.iter().enumerate() {
            self.member_local[*m] = local as u32;
        }
        for (local, r) in records.iter().enumerate() {
            self.record_local[*r] = local as u32;
        }
        self.focus = self.focus.wrapping_add(1);
        if self.focus == 0 {
            // After 2^32 foci a stamp could match an old one: forget them all.
            self.written.iter_mut().for_each(|stamps| stamps.fill(0));
            self.focus = 1;
        }
        let slots = self.dense.iter_mut().zip(&mut self.written);
        for ((slots, stamps), scope) in slots.zip(&self.scopes) {
            let count = match scope {
                Scope::Member => members.len(),
                Scope::Record => records.len(),
            };
            if slots.len() < count {
                slots.resize(count, Slot::Empty);
                stamps.resize(count, 0);
            }
        }
        self.outside.clear();
        self.focused_members = members;
        self.focused_records = records;
    }

    /// Where the slot of definition `id` for `entity` is: look it up once, read and write it
    /// by place.
    pub(super) fn place(&self, id: DefId, entity: usize) -> Place {
        let local = match self.scopes[id] {
            Scope::Member => self.member_local[entity],
            Scope::Record => self.record_local[entity],
        };
        match local {
            NOT_LOCAL => Place::Outside(id, entity),
            local => Place::Dense(id, local as usize),
        }
    }

    /// The place of `entity` of `scope` in the focus, if it is in it.
    pub(super) fn local(&self, scope: Scope, entity: usize) -> Option<usize> {
        let local = match scope {
            Scope::Member => self.member_local[entity],
            Scope::Record => self.record_local[entity],
        };
        (local != NOT_LOCAL).then_some(local as usize)
    }

    pub(super) fn get(&self, place: Place) -> Option<&Slot> {
        match place {
            Place::Dense(id, local) if self.written[id][local] != self.focus => None,
            Place::Dense(id, local) => Some(&self.dense[id][local]),
            Place::Outside(id, entity) => self.outside.get(&(id, entity)),
        }
    }

    pub(super) fn set(&mut self, place: Place, slot: Slot) {
        match place {
            Place::Dense(id, local) => {
                self.written[id][local] = self.focus;
                self.dense[id][local] = slot;
            }
            Place::Outside(id, entity) => {
                self.outside.insert((id, entity), slot);
            }
        }
    }
}

/// A slot's place: in the focus's dense slots, or in the map of entities outside it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    Dense(DefId, usize),
    Outside(DefId, usize),
}
