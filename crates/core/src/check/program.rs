//! The checked program: resolved, typed definitions ready to evaluate.

use chrono::NaiveDate;

use crate::builtins::BuiltinId;
use crate::data::{MemberField, RecordField, RequestField};
use crate::lang::{AggregateKind, DocumentKind, Scope};
use crate::lang::{Type, Value};

/// Index into [`Program::definitions`].
pub type DefId = usize;

/// Everything evaluation needs, and nothing it must look up by name.
#[derive(Debug, Clone)]
pub struct Program {
    /// Metadata of each rule file, indexed by [`Definition::file`].
    pub files: Vec<FileInfo>,
    /// Every definition.
    pub definitions: Vec<Definition>,
    /// Outputs of each member, in schema order.
    pub member_outputs: Vec<Output>,
    /// Outputs of each record, in schema order.
    pub record_outputs: Vec<Output>,
    /// The schema's enumerations: name → values in order.
    pub enums: std::collections::HashMap<String, Vec<String>>,
    /// `sha256:<hex>` over the rule files' rules-relative paths and texts.
    pub digest: String,
}

impl Program {
    /// The definitions of every output, members' then records'.
    pub fn output_definitions(&self) -> Vec<DefId> {
        let outputs = self.member_outputs.iter().chain(&self.record_outputs);
        outputs.map(|output| output.definition).collect()
    }
}

/// A rule file's metadata.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// Path, as shown in diagnostics and traces.
    pub path: String,
    /// Document id, such as `a20111001.1`.
    pub id: String,
    /// Document title.
    pub title: String,
    /// Policy, motion or ruling.
    pub kind: DocumentKind,
    /// Whether it is a draft of this project (`status: draft`).
    pub draft: bool,
    /// Published source.
    pub source: String,
    /// First day in force.
    pub effective_from: Option<NaiveDate>,
    /// First day no longer in force.
    pub effective_until: Option<NaiveDate>,
}

impl FileInfo {
    /// Whether the file's rules apply to an evaluation as of `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= date)
            && self.effective_until.is_none_or(|until| date < until)
    }
}

/// An output of the schema and the definition computing it.
#[derive(Debug, Clone)]
pub struct Output {
    /// Output name.
    pub name: String,
    /// Its definition.
    pub definition: DefId,
}

/// A checked definition.
#[derive(Debug, Clone)]
pub struct Definition {
    /// Name.
    pub name: String,
    /// Record or member.
    pub scope: Scope,
    /// Value type.
    pub ty: Type,
    /// Index into [`Program::files`].
    pub file: usize,
    /// Its citation.
    pub cite: String,
    /// `path:line` of the definition.
    pub at: String,
    /// How it is computed.
    pub body: Body,
    /// Exceptions with their priorities, highest priority first.
    pub overrides: Vec<(i64, Rule)>,
}

/// How a checked definition computes its value.
#[derive(Debug, Clone)]
pub enum Body {
    /// One expression.
    Value(Box<Rule>),
    /// First matching row; the last row has no condition.
    Cases(Vec<Rule>),
    /// Every matching row adds its value.
    Collect(Vec<Rule>),
}

/// One clause: an optional condition and a value, with what it cites and uses.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The condition (`None`: always).
    pub when: Option<Code>,
    /// The value.
    pub then: Code,
    /// The clause cited.
    pub cite: String,
    /// `path:line` of the clause.
    pub at: String,
    /// Where the condition is written in the rule file (`None`: no condition).
    pub when_at: Option<LineColumn>,
    /// Where the value (or outcome) is written in the rule file.
    pub then_at: LineColumn,
    /// The rule file it belongs to.
    pub file: usize,
    /// The condition as written, for explanations.
    pub condition_text: Option<String>,
    /// The condition's top-level `and` parts, for explaining why a row did not hold.
    pub conjuncts: Vec<Conjunct>,
    /// Definitions of the same entity the clause reads.
    pub uses: Vec<DefId>,
    /// Data fields of the same entity the clause reads.
    pub fields: Vec<FieldUse>,
    /// The clause reads `overridden` (an override's value without it).
    pub reads_overridden: bool,
}

/// A place in a rule file, for the diagnostics of the stages after checking (the SQL
/// translation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One part of a condition `a and b and …`, with what it reads of the entity decided.
#[derive(Debug, Clone)]
pub struct Conjunct {
    /// The part as written (white space collapsed).
    pub text: String,
    /// Its code.
    pub code: Code,
    /// The fields and definitions of the entity it reads (`member.assurance_points`), by
    /// name, with the code reading each.
    pub reads: Vec<(String, Code)>,
}

/// A data field read by a clause, for explanations.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldUse {
    /// `record.<field>`.
    Record(RecordField, String),
    /// `member.<field>`.
    Member(MemberField, String),
}

/// Compiled expression code: names resolved, types checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Code {
    /// A constant.
    Const(Value),
    /// The evaluation date.
    AsOf,
    /// The entity being decided.
    This,
    /// An aggregation variable, by nesting depth.
    Bound(usize),
    /// A field of the support request.
    Request(RequestField),
    /// A field of a record.
    RecordField(Box<Code>, RecordField),
    /// A field of a member.
    MemberField(Box<Code>, MemberField),
    /// A definition evaluated for the entity the inner code yields.
    Definition(Box<Code>, DefId),
    /// Logical not.
    Not(Box<Code>),
    /// Integer negation.
    Negate(Box<Code>),
    /// Integer arithmetic or text concatenation.
    Arith(Arith, Box<Code>, Box<Code>),
    /// Comparison.
    Compare(Compare, Box<Code>, Box<Code>),
    /// Short-circuit and.
    And(Box<Code>, Box<Code>),
    /// Short-circuit or.
    Or(Box<Code>, Box<Code>),
    /// The left value unless missing, else the right.
    Coalesce(Box<Code>, Box<Code>),
    /// Membership in a literal list.
    In(Box<Code>, Vec<Value>, bool),
    /// Conditional.
    If(Box<Code>, Box<Code>, Box<Code>),
    /// A built-in function.
    Call(BuiltinId, Vec<Code>),
    /// An aggregation.
    Aggregate(Box<AggregateCode>),
    /// `overridden` in an override: the value of `definition` for the entity decided as if
    /// the override with this `priority` in rule file `file` (and those ranked above it,
    /// which did not hold) were not there.
    Overridden {
        /// The definition the override amends.
        definition: DefId,
        /// The override's priority.
        priority: i64,
        /// The override's rule file.
        file: usize,
    },
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// `+` on integers.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (integer division, rounding toward zero).
    Div,
    /// `%`.
    Rem,
    /// `+` on text.
    Concat,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Compare {
    /// Whether two operands ordered `ordering` (left to right) satisfy the operator.
    pub(crate) fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Self::Eq => ordering == Equal,
            Self::Ne => ordering != Equal,
            Self::Lt => ordering == Less,
            Self::Le => ordering != Greater,
            Self::Gt => ordering == Greater,
            Self::Ge => ordering != Less,
        }
    }

    /// The operator as written in the language.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

/// A compiled aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCode {
    /// Which aggregation.
    pub kind: AggregateKind,
    /// The collection.
    pub source: Code,
    /// The filter.
    pub filter: Option<Code>,
    /// The value aggregated.
    pub value: Option<Code>,
}
