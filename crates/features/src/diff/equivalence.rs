//! Which definitions of two rule versions compute the same value for every entity of any
//! data: their code is the same up to the definitions it reads, which are the same in turn,
//! and their rule files are in force alike. `diff` evaluates only the outputs that are not.

use std::collections::HashMap;

use chrono::NaiveDate;

use wotrules_core::check::program::{AggregateCode, Body, Code, DefId, Program, Rule};

/// The definitions of an old and a new program, compared as of one date.
pub(crate) struct Equivalence<'a> {
    old: &'a Program,
    new: &'a Program,
    as_of: NaiveDate,
    /// Pairs already compared (the definition graph is acyclic, so each is decided once).
    known: HashMap<(DefId, DefId), bool>,
}

impl<'a> Equivalence<'a> {
    /// Compares the definitions of `old` and `new` for an evaluation as of `as_of`.
    pub(crate) fn new(old: &'a Program, new: &'a Program, as_of: NaiveDate) -> Self {
        Self {
            old,
            new,
            as_of,
            known: HashMap::new(),
        }
    }

    /// Whether old definition `old` and new definition `new` give the same value (or both
    /// fail) for every entity. `false` may be too careful (a rule rewritten to the same
    /// effect is evaluated on both sides), never wrong.
    pub(crate) fn same(&mut self, old: DefId, new: DefId) -> bool {
        if let Some(&known) = self.known.get(&(old, new)) {
            return known;
        }
        let (a, b) = (&self.old.definitions[old], &self.new.definitions[new]);
        let same = a.scope == b.scope
            && a.ty == b.ty
            && self.in_force_alike(a.file, b.file)
            && a.overrides.len() == b.overrides.len()
            && a.overrides
                .iter()
                .zip(&b.overrides)
                .all(|((p, x), (q, y))| p == q && self.same_rule(x, y))
            && match (&a.body, &b.body) {
                (Body::Value(x), Body::Value(y)) => self.same_rule(x, y),
                (Body::Cases(x), Body::Cases(y)) | (Body::Collect(x), Body::Collect(y)) => {
                    x.len() == y.len() && x.iter().zip(y).all(|(x, y)| self.same_rule(x, y))
                }
                _ => false,
            };
        self.known.insert((old, new), same);
        same
    }

    fn in_force_alike(&self, old_file: usize, new_file: usize) -> bool {
        self.old.files[old_file].in_force(self.as_of)
            == self.new.files[new_file].in_force(self.as_of)
    }

    fn same_rule(&mut self, old: &Rule, new: &Rule) -> bool {
        self.in_force_alike(old.file, new.file)
            && self.same_optional(old.when.as_ref(), new.when.as_ref())
            && self.same_code(&old.then, &new.then)
    }

    fn same_code(&mut self, old: &Code, new: &Code) -> bool {
        use Code as C;
        match (old, new) {
            (C::Const(x), C::Const(y)) => x == y,
            (C::AsOf, C::AsOf) | (C::This, C::This) => true,
            (C::Bound(x), C::Bound(y)) => x == y,
            (C::Request(x), C::Request(y)) => x == y,
            (C::RecordField(x, f), C::RecordField(y, g)) => f == g && self.same_code(x, y),
            (C::MemberField(x, f), C::MemberField(y, g)) => f == g && self.same_code(x, y),
            (C::Definition(x, d), C::Definition(y, e)) => self.same_code(x, y) && self.same(*d, *e),
            (C::Not(x), C::Not(y)) | (C::Negate(x), C::Negate(y)) => self.same_code(x, y),
            (C::Arith(o, x1, x2), C::Arith(p, y1, y2)) => {
                o == p && self.same_code(x1, y1) && self.same_code(x2, y2)
            }
            (C::Compare(o, x1, x2), C::Compare(p, y1, y2)) => {
                o == p && self.same_code(x1, y1) && self.same_code(x2, y2)
            }
            (C::And(x1, x2), C::And(y1, y2))
            | (C::Or(x1, x2), C::Or(y1, y2))
            | (C::Coalesce(x1, x2), C::Coalesce(y1, y2)) => {
                self.same_code(x1, y1) && self.same_code(x2, y2)
            }
            (C::In(x, l, n), C::In(y, m, o)) => l == m && n == o && self.same_code(x, y),
            (C::If(x1, x2, x3), C::If(y1, y2, y3)) => {
                self.same_code(x1, y1) && self.same_code(x2, y2) && self.same_code(x3, y3)
            }
            (C::Call(f, xs), C::Call(g, ys)) => {
                f == g
                    && xs.len() == ys.len()
                    && xs.iter().zip(ys).all(|(x, y)| self.same_code(x, y))
            }
            (C::Aggregate(x), C::Aggregate(y)) => self.same_aggregate(x, y),
            _ => false,
        }
    }

    fn same_aggregate(&mut self, old: &AggregateCode, new: &AggregateCode) -> bool {
        old.kind == new.kind
            && self.same_code(&old.source, &new.source)
            && self.same_optional(old.filter.as_ref(), new.filter.as_ref())
            && self.same_optional(old.value.as_ref(), new.value.as_ref())
    }

    fn same_optional(&mut self, old: Option<&Code>, new: Option<&Code>) -> bool {
        match (old, new) {
            (None, None) => true,
            (Some(x), Some(y)) => self.same_code(x, y),
            _ => false,
        }
    }
}
