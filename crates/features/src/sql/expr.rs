//! Code as an SQL expression over one row: the entity decided (`this`), the record an
//! aggregation binds, the members they link to (joined as needed) and the aggregations
//! (joined as grouped subqueries).

use wotrules_core::builtins::Signature;
use wotrules_core::check::program::{AggregateCode, Arith, Code, Compare};
use wotrules_core::data::{MemberField, RecordField, RequestField};
use wotrules_core::lang::{AggregateKind, Scope, Value};
use wotrules_core::plan::{Kind, Kinds, Plan, Typed};

use super::dialect::{DatePart, Dialect, SqlType};
use super::functions;

/// What the aliases of one SELECT stand for while its expressions are printed, and the
/// joins they need.
pub(crate) struct Scene<'a, 'p> {
    /// The plan printed.
    pub plan: &'a Plan<'p>,
    /// The engine printed for.
    pub dialect: Dialect,
    /// The entity decided.
    pub scope: Scope,
    /// Its row's alias.
    pub this: String,
    /// The table its rows come from (the previous level's).
    pub this_table: String,
    /// The alias of the record an aggregation binds (inside an aggregation).
    pub bound: Option<String>,
    /// The records readable at this level.
    pub records: String,
    /// The members readable at this level.
    pub members: String,
    /// Joins the expressions need, in order.
    pub joins: Vec<String>,
    /// Members joined for a record's link: (record alias, assuree?) → alias.
    links: Vec<((String, bool), String)>,
    /// The next number for an alias.
    counter: usize,
}

/// An SQL expression, or why the code cannot be one in this dialect.
pub(crate) type Sql = Result<String, String>;

impl<'a, 'p> Scene<'a, 'p> {
    /// A scene for one level's SELECT over `this_table` rows aliased `this`.
    pub(crate) fn new(
        plan: &'a Plan<'p>,
        dialect: Dialect,
        scope: Scope,
        tables: (&str, &str, &str),
    ) -> Self {
        let (this_table, records, members) = tables;
        Self {
            plan,
            dialect,
            scope,
            this: "o".into(),
            this_table: this_table.into(),
            bound: None,
            records: records.into(),
            members: members.into(),
            joins: Vec::new(),
            links: Vec::new(),
            counter: 0,
        }
    }

    fn kinds(&self) -> Kinds<'p> {
        Kinds {
            program: self.plan.program,
            scope: self.scope,
        }
    }

    /// What `code` yields.
    pub(crate) fn typed(&self, code: &Code) -> Typed {
        self.kinds().of(code)
    }

    /// `code` as an expression, a missing value typed as `ty`.
    pub(crate) fn value_as(&mut self, code: &Code, ty: SqlType) -> Sql {
        match code {
            Code::Const(Value::Missing) => Ok(self.dialect.null(ty)),
            code => self.value(code),
        }
    }

    /// `code` as an expression.
    pub(crate) fn value(&mut self, code: &Code) -> Sql {
        let d = self.dialect;
        Ok(match code {
            Code::Const(value) => self.constant(value)?,
            Code::AsOf => self.as_of(),
            Code::Overridden { .. } => return Err("`overridden` has no SQL form yet".into()),
            Code::This | Code::Bound(_) => self.entity_id(code)?,
            Code::Request(field) => parameter(
                d,
                match field {
                    RequestField::Ticket => "ticket",
                    RequestField::By => "requested_by",
                    RequestField::Mismatch => "mismatch",
                },
            ),
            Code::RecordField(object, field) => self.record_field(object, *field)?,
            Code::MemberField(object, field) => self.member_field(object, *field)?,
            Code::Definition(object, id) => {
                let row = self.row_of(object)?;
                format!("{row}.d_{}", self.plan.program.definitions[*id].name)
            }
            Code::Not(inner) => format!("(NOT {})", self.value(inner)?),
            Code::Negate(inner) => format!("(- {})", self.value(inner)?),
            Code::Arith(op, left, right) => {
                let (a, b) = (self.value(left)?, self.value(right)?);
                match op {
                    Arith::Add => format!("({a} + {b})"),
                    Arith::Sub => format!("({a} - {b})"),
                    Arith::Mul => format!("({a} * {b})"),
                    Arith::Div => d.divide(&a, &b),
                    Arith::Rem => format!("({a} % {b})"),
                    Arith::Concat => d.concat(&[a, b]),
                }
            }
            Code::Compare(op, left, right) => self.compare(*op, left, right)?,
            Code::And(a, b) => format!("({} AND {})", self.value(a)?, self.value(b)?),
            Code::Or(a, b) => format!("({} OR {})", self.value(a)?, self.value(b)?),
            Code::Coalesce(a, b) => format!("COALESCE({}, {})", self.value(a)?, self.value(b)?),
            Code::In(inner, list, negated) => {
                let optional = self.typed(inner).optional;
                let value = self.value(inner)?;
                let items: Vec<String> = list
                    .iter()
                    .map(|v| self.constant(v))
                    .collect::<Result<_, _>>()?;
                let items = items.join(", ");
                match (optional, negated) {
                    (false, false) => format!("({value} IN ({items}))"),
                    (false, true) => format!("({value} NOT IN ({items}))"),
                    (true, false) => format!("({value} IS NOT NULL AND {value} IN ({items}))"),
                    (true, true) => format!("({value} IS NULL OR {value} NOT IN ({items}))"),
                }
            }
            Code::If(condition, then, otherwise) => {
                let ty = sql_type(self.typed(code).kind);
                format!(
                    "(CASE WHEN {} THEN {} ELSE {} END)",
                    self.value(condition)?,
                    self.value_as(then, ty)?,
                    self.value_as(otherwise, ty)?
                )
            }
            Code::Call(builtin, arguments) => {
                let name = builtin.spec().name;
                if let Signature::Template = builtin.spec().signature {
                    return self.template(arguments);
                }
                let mut values = Vec::new();
                for argument in arguments {
                    values.push(self.value(argument)?);
                }
                functions::call(self, name, arguments, &values)?
            }
            Code::Aggregate(aggregate) => self.aggregate(aggregate)?,
        })
    }

    fn constant(&self, value: &Value) -> Sql {
        let d = self.dialect;
        Ok(match value {
            Value::Missing => "NULL".into(),
            Value::Int(v) if *v < 0 => format!("({v})"),
            Value::Int(v) => v.to_string(),
            Value::Bool(v) => d.boolean(*v),
            Value::Text(t) => d.text(t),
            Value::Date(date) => d.date(*date),
            other => return Err(format!("the value {other} has no SQL form")),
        })
    }

    /// The date decided as of.
    pub(crate) fn as_of(&self) -> String {
        match self.plan.as_of {
            Some(date) => self.dialect.date(date),
            None => parameter(self.dialect, "as_of"),
        }
    }

    /// The alias of the row of the record or member `code` is (joining a linked member).
    fn row_of(&mut self, code: &Code) -> Sql {
        match code {
            Code::This => Ok(self.this.clone()),
            Code::Bound(_) => self
                .bound
                .clone()
                .ok_or_else(|| "an aggregation variable outside its aggregation".to_string()),
            Code::RecordField(record, field @ (RecordField::Assurer | RecordField::Assuree)) => {
                let record = self.row_of(record)?;
                Ok(self.linked_member(&record, *field == RecordField::Assuree))
            }
            _ => Err("only a record, a member or a record's member has fields".into()),
        }
    }

    /// The id of the record or member `code` is.
    fn entity_id(&mut self, code: &Code) -> Sql {
        match code {
            Code::RecordField(record, RecordField::Assurer) => {
                Ok(format!("{}.f_from", self.row_of(record)?))
            }
            Code::RecordField(record, RecordField::Assuree) => {
                Ok(format!("{}.f_to", self.row_of(record)?))
            }
            code => Ok(format!("{}.f_id", self.row_of(code)?)),
        }
    }

    /// The alias of the member a record links to, joined once per record alias.
    fn linked_member(&mut self, record: &str, assuree: bool) -> String {
        let key = (record.to_string(), assuree);
        if let Some((_, alias)) = self.links.iter().find(|(k, _)| *k == key) {
            return alias.clone();
        }
        let alias = format!("{record}_{}", if assuree { "ee" } else { "er" });
        let column = if assuree { "f_to" } else { "f_from" };
        self.joins.push(format!(
            "LEFT JOIN {} {alias} ON {alias}.f_id = {record}.{column}",
            self.members
        ));
        self.links.push((key, alias.clone()));
        alias
    }

    fn record_field(&mut self, object: &Code, field: RecordField) -> Sql {
        if matches!(field, RecordField::Assurer | RecordField::Assuree) {
            return self.entity_id(&Code::RecordField(Box::new(object.clone()), field));
        }
        Ok(format!(
            "{}.f_{}",
            self.row_of(object)?,
            record_column(field)
        ))
    }

    fn member_field(&mut self, object: &Code, field: MemberField) -> Sql {
        if field == MemberField::Id {
            return self.entity_id(object);
        }
        if matches!(field, MemberField::Received | MemberField::Given) {
            return Err("a member's records are read only by an aggregation".into());
        }
        let row = self.row_of(object)?;
        let column = format!("{row}.f_{}", member_column(field));
        if !matches!(object, Code::RecordField(..)) || self.plan.reads_linked_definitions {
            return Ok(column);
        }
        // A member a record names without a `users` row has no row here: its fields are
        // the evaluator's defaults (no date of birth, no flags, no CATS, empty names).
        let d = self.dialect;
        Ok(match field.ty().required() {
            wotrules_core::lang::Type::Bool => format!("COALESCE({column}, {})", d.boolean(false)),
            wotrules_core::lang::Type::Int => format!("COALESCE({column}, 0)"),
            wotrules_core::lang::Type::Text => format!("COALESCE({column}, {})", d.text("")),
            _ => column,
        })
    }

    fn compare(&mut self, op: Compare, left: &Code, right: &Code) -> Sql {
        let d = self.dialect;
        let equality = matches!(op, Compare::Eq | Compare::Ne);
        let equal = op == Compare::Eq;
        for (side, other) in [(left, right), (right, left)] {
            if equality && *other == Code::Const(Value::Missing) {
                let value = self.value(side)?;
                return Ok(if equal {
                    format!("({value} IS NULL)")
                } else {
                    format!("({value} IS NOT NULL)")
                });
            }
        }
        let (lt, rt) = (self.typed(left), self.typed(right));
        let (a, b) = (self.value(left)?, self.value(right)?);
        if equality && (lt.optional || rt.optional) {
            return Ok(d.same(&a, &b, equal));
        }
        let (a, b) = if lt.kind == Kind::Text && !equality {
            (d.ordered_text(&a), d.ordered_text(&b))
        } else {
            (a, b)
        };
        Ok(format!("({a} {} {b})", sql_operator(op)))
    }

    fn template(&mut self, arguments: &[Code]) -> Sql {
        let Some((Code::Const(Value::Text(template)), values)) = arguments.split_first() else {
            return Err("a template that is not a text constant".into());
        };
        let mut parts = Vec::new();
        let mut pieces = template.split("{}");
        let first = pieces.next().unwrap_or_default();
        if !first.is_empty() {
            parts.push(self.dialect.text(first));
        }
        for (piece, value) in pieces.zip(values) {
            let shown = self.value(value)?;
            parts.push(functions::as_text(
                self.dialect,
                &shown,
                self.typed(value).kind,
            ));
            if !piece.is_empty() {
                parts.push(self.dialect.text(piece));
            }
        }
        Ok(match parts.len() {
            0 => self.dialect.text(""),
            1 => parts.remove(0),
            _ => self.dialect.concat(&parts),
        })
    }

    fn aggregate(&mut self, aggregate: &AggregateCode) -> Sql {
        let d = self.dialect;
        let (object, column) = match &aggregate.source {
            Code::MemberField(object, MemberField::Received) => (&**object, "f_to"),
            Code::MemberField(object, MemberField::Given) => (&**object, "f_from"),
            _ => return Err("an aggregation over something other than records".into()),
        };
        self.counter += 1;
        let n = self.counter;
        let reads_this = aggregate
            .filter
            .iter()
            .chain(aggregate.value.iter())
            .any(|code| {
                let mut found = false;
                wotrules_core::plan::each(code, &mut |c| found |= *c == Code::This);
                found
            });
        let mut inner = Scene::new(
            self.plan,
            d,
            self.scope,
            (&self.this_table, &self.records, &self.members),
        );
        inner.this = format!("o{n}");
        inner.bound = Some(format!("r{n}"));
        inner.counter = 0;
        let r = format!("r{n}");
        let filter = match &aggregate.filter {
            Some(filter) => Some(inner.value(filter)?),
            None => None,
        };
        let value = match &aggregate.value {
            Some(value) => Some(inner.value(value)?),
            None => None,
        };
        let when = |v: &str| match &filter {
            Some(f) => format!("CASE WHEN {f} THEN {v} END"),
            None => v.to_string(),
        };
        let key = |alias: &str, this_scope: Scope| match object {
            Code::This if this_scope == Scope::Member => Ok(format!("{alias}.f_id")),
            Code::RecordField(_, RecordField::Assuree) => Ok(format!("{alias}.f_to")),
            Code::RecordField(_, RecordField::Assurer) => Ok(format!("{alias}.f_from")),
            _ => Err("an aggregation over records other than a member's".to_string()),
        };
        let (from, group, outer) = if reads_this {
            let o = &inner.this;
            (
                format!(
                    "FROM {} {o} JOIN {} {r} ON {r}.{column} = {}",
                    self.this_table,
                    self.records,
                    key(o, self.scope)?
                ),
                format!("{o}.f_id"),
                format!("{}.f_id", self.this),
            )
        } else {
            (
                format!("FROM {} {r}", self.records),
                format!("{r}.{column}"),
                key(&self.this, self.scope)?,
            )
        };
        let value_or_one = value.clone().unwrap_or_else(|| "1".into());
        let bit = |v: &str| format!("CASE WHEN {v} THEN 1 ELSE 0 END");
        let kind = aggregate.kind;
        let aggregated = match kind {
            AggregateKind::Count => format!("COUNT({})", when("1")),
            AggregateKind::Sum => format!("SUM({})", when(&value_or_one)),
            AggregateKind::Min => format!("MIN({})", when(&value_or_one)),
            AggregateKind::Max => format!("MAX({})", when(&value_or_one)),
            AggregateKind::CountDistinct => format!("COUNT(DISTINCT {})", when(&value_or_one)),
            AggregateKind::Any => match &value {
                Some(v) => format!("MAX({})", when(&bit(v))),
                None => format!("MAX({})", when("1")),
            },
            AggregateKind::All => format!("MIN({})", when(&bit(&value_or_one))),
            AggregateKind::Lines => functions::lines(
                d,
                &when(&value_or_one),
                &filter,
                &value_or_one,
                (&r, &group),
            ),
        };

        let joins: String = inner.joins.iter().map(|j| format!(" {j}")).collect();
        let a = format!("a{n}");
        let rows = format!("SELECT {group} AS k, {aggregated} AS v {from}{joins}");
        let grouped = if kind == AggregateKind::Lines && d == Dialect::Sqlite {
            // A window function over each group's rows: every row holds the group's lines.
            format!("SELECT k, MAX(v) AS v FROM ({rows}) GROUP BY k")
        } else {
            format!("{rows} GROUP BY {group}")
        };
        self.joins
            .push(format!("LEFT JOIN ({grouped}) {a} ON {a}.k = {outer}"));
        let v = format!("{a}.v");
        Ok(match kind {
            AggregateKind::Count | AggregateKind::Sum | AggregateKind::CountDistinct => {
                format!("COALESCE({v}, 0)")
            }
            AggregateKind::Any => format!("(COALESCE({v}, 0) = 1)"),
            AggregateKind::All => format!("(COALESCE({v}, 1) = 1)"),
            AggregateKind::Lines => format!("COALESCE({v}, {})", d.text("")),
            AggregateKind::Min | AggregateKind::Max => v,
        })
    }

    /// The year, month or day of a date.
    pub(crate) fn date_part(&self, part: DatePart, date: &str) -> String {
        self.dialect.date_part(part, date)
    }
}

/// The SQL type of a column of this kind.
pub(crate) fn sql_type(kind: Kind) -> SqlType {
    match kind {
        Kind::Int => SqlType::Int,
        Kind::Bool => SqlType::Bool,
        Kind::Date => SqlType::Date,
        _ => SqlType::Text,
    }
}

fn sql_operator(op: Compare) -> &'static str {
    match op {
        Compare::Eq => "=",
        Compare::Ne => "<>",
        Compare::Lt => "<",
        Compare::Le => "<=",
        Compare::Gt => ">",
        Compare::Ge => ">=",
    }
}

/// The column of a record field (`f_` and this name).
pub(crate) fn record_column(field: RecordField) -> &'static str {
    match field {
        RecordField::Id => "id",
        RecordField::From => "from",
        RecordField::To => "to",
        RecordField::Points => "points",
        RecordField::Awarded => "awarded",
        RecordField::Method => "method",
        RecordField::Location => "location",
        RecordField::Date => "date",
        RecordField::When => "when",
        RecordField::Expire => "expire",
        RecordField::Deleted => "deleted",
        RecordField::Assurer => "from",
        RecordField::Assuree => "to",
    }
}

/// The column of a member field (`f_` and this name).
pub(crate) fn member_column(field: MemberField) -> &'static str {
    match field {
        MemberField::Id => "id",
        MemberField::Dob => "dob",
        MemberField::Assurer => "assurer",
        MemberField::AssurerBlocked => "assurer_blocked",
        MemberField::TtpAdmin => "ttpadmin",
        MemberField::CatsPassed => "cats_passed",
        MemberField::Received | MemberField::Given => "id",
        MemberField::Deleted => "deleted",
        MemberField::Locked => "locked",
        MemberField::Email => "email",
        MemberField::Fname => "fname",
        MemberField::Mname => "mname",
        MemberField::Lname => "lname",
        MemberField::Suffix => "suffix",
    }
}

/// A column of the one row of the parameters (the date, the support request): in SQLite
/// the database's `wotrules_case` (the row `eval --db` reads too; today when it holds no
/// date), elsewhere `wotrules_params`.
pub(crate) fn parameter(d: Dialect, column: &str) -> String {
    match (d, column) {
        (Dialect::Sqlite, "as_of") => {
            "COALESCE((SELECT as_of FROM wotrules_case LIMIT 1), date('now'))".into()
        }
        (Dialect::Sqlite, _) => format!("(SELECT {column} FROM wotrules_case LIMIT 1)"),
        _ => format!("(SELECT {column} FROM wotrules_params)"),
    }
}
