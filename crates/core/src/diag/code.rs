//! The codes diagnostics carry: a closed list, each with the name tools match on and a
//! paragraph `wotrules explain CODE` prints.

macro_rules! codes {
    ($(#[doc = $summary:literal] $variant:ident = $name:literal => $explanation:literal,)*) => {
        /// What kind of problem a [`super::Diagnostic`] reports. The name (`unknown-field`) is
        /// stable: CI, editors and the JSON output match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DiagnosticCode {
            $(#[doc = $summary] $variant,)*
        }

        impl DiagnosticCode {
            /// Every code, in the order of the list.
            pub const ALL: &[DiagnosticCode] = &[$(DiagnosticCode::$variant,)*];

            /// The stable name, such as `unknown-field`.
            pub fn name(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$variant => $name,)*
                }
            }

            /// What the problem is, in a line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$variant => $summary.trim_start(),)*
                }
            }

            /// What the problem is and how to fix it, in a paragraph.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$variant => $explanation,)*
                }
            }
        }
    };
}

impl DiagnosticCode {
    /// The code named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|code| code.name() == name)
    }
}

impl std::fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

codes! {
    /// An aggregation is written in a form it does not take.
    Aggregation = "aggregation" =>
        "An aggregation (`count`, `count_distinct`, `sum`, `min`, `max`, `any`, `all`, `lines`) is written in a form it does not take, or over a value of the wrong type. `count(r in member.received where …)` counts records and takes no value; the others take one, as in `sum(<int> for r in member.received where …)`. The `where` part is optional; the help shows the form the aggregation takes.",
    /// A function is called with the wrong number of arguments.
    Arity = "arity" =>
        "A function is called with more or fewer arguments than it takes. The message says how many it takes; the completion in an editor and the language reference in rules/REFERENCE.md list each function with its parameters.",
    /// Internal: a value already reported as wrong; never printed.
    Assumed = "assumed" =>
        "Internal: stands for a value that was already reported with another code, so that one mistake is reported once. It is never printed; if you see it, please report it as a bug.",
    /// A date is not a calendar date.
    BadDate = "bad-date" =>
        "A date in a rule file is not a calendar date. Write dates as YYYY-MM-DD (`2011-10-01`), quoted or not, or `null` where a date may be absent. Dates such as `2011-02-30` are refused rather than moved to the next valid day.",
    /// A definition's name cannot be used in expressions.
    BadName = "bad-name" =>
        "A definition is named with something expressions could not refer to. Names are ASCII letters, digits and `_`, starting with a letter: `may_reapply`, `ttp_cap`.",
    /// An override's target is not `record.<name>` or `member.<name>`.
    BadTarget = "bad-target" =>
        "An override's `target:` must name the output it changes as `record.<name>` or `member.<name>`, such as `record.reapply`.",
    /// A row of `cases:` has neither or both of `then` and `outcome`.
    CaseValue = "case-value" =>
        "Each row of a decision table (`cases:`) gives its value in exactly one way: `then:` with an expression, or `outcome:` with a value of the output's enumeration. Remove one of the two, or add the missing one.",
    /// Two definitions of the same name with no precedence between them.
    Conflict = "conflict" =>
        "Two things could decide the same value and nothing says which wins: a definition given twice while both are in force, an override without `priority:`, or two overrides of one target with the same priority whose effective dates overlap. Rename or delete the duplicate, or give the overrides distinct priorities (higher wins where its condition holds).",
    /// Definitions depend on each other in a cycle.
    Cycle = "cycle" =>
        "Definitions refer to each other in a circle, so none can be computed first. The message lists the chain; break it by computing one of them from the data instead of from the others.",
    /// `effective_until` is not after `effective_from`.
    DatesReversed = "dates-reversed" =>
        "A rule file is in force from `effective_from` up to, but not including, `effective_until`; the second date must be later than the first.",
    /// A definition has none or several of `value`, `template`, `cases`, `collect`.
    DefinitionBody = "definition-body" =>
        "A definition says how it is computed in exactly one way: `value:` (an expression), `template:` (text with `{expression}` holes), `cases:` (a decision table) or `collect:` (a list built from records). Keep one.",
    /// Two rule files have the same id.
    DuplicateId = "duplicate-id" =>
        "Two rule files use the same `id:`. Citations name the rule file by its id, so each must be unique across the rule set.",
    /// A rule file is empty.
    EmptyFile = "empty-file" =>
        "A rule file holds nothing. Every `*.yaml` file under the rules directory is loaded: write a rule file there, or delete the empty one. `wotrules new` writes a skeleton.",
    /// A decision table has no rows.
    EmptyTable = "empty-table" =>
        "A decision table (`cases:`) has no rows, so it can never decide. Give it at least its `else` row.",
    /// A value that must say something is empty.
    EmptyValue = "empty-value" =>
        "A key that needs text or an expression is given an empty value. Write the value, or remove the key if it is optional.",
    /// A rule file is too large to be a rule file.
    FileTooLarge = "file-too-large" =>
        "A rule file is larger than any rule file needs to be; it is refused before parsing so that a stray data file under the rules directory cannot exhaust memory. Split it into several files.",
    /// The template of `format` is not a string literal.
    FormatTemplate = "format-template" =>
        "The first argument of `format` is the template, and must be written out as a string literal (`format(\"{} points\", record.points)`) so that it can be checked before evaluation.",
    /// `in` is not followed by a literal list.
    InNeedsList = "in-needs-list" =>
        "`in` tests membership in a list written out in place: `record.method in [\"Face to Face Meeting\", \"TTP-Assisted\"]`. Every element must have the type of the left side.",
    /// A limit on the size of the data was passed.
    Limit = "limit" =>
        "The data passes a limit the evaluator keeps to stay within memory, such as the number of records of one member. No real member comes near it; check that the data is what you meant to load.",
    /// A list is written outside `in`.
    ListOutsideIn = "list-outside-in" =>
        "A literal list `[a, b]` may only follow `in`. To test a value against several, write `value in [a, b]`.",
    /// A required key is missing.
    MissingKey = "missing-key" =>
        "A mapping in a rule file, test file or case file lacks a key it needs. The message names the key and the help says what goes there.",
    /// A definition has no type and none can be inferred.
    MissingType = "missing-type" =>
        "An output or a definition used by one needs a declared type: add `type: int` (or `bool`, `text`, `date`, the name of an enumeration; `T?` when the value may be missing).",
    /// `??` after a value that is never missing.
    NeverMissing = "never-missing" =>
        "`a ?? b` gives `b` when `a` is missing, but `a` has a type that is never missing, so `b` is never used. Remove `?? b`, or declare the value optional (`T?`) if it may in fact be missing.",
    /// The last row of `cases:` is not the `else` row.
    NoElse = "no-else" =>
        "A decision table must decide for every record, so its last row is the `else` row: a row without `when:`. Add one with the value when no other row holds.",
    /// A field is asked of a value that has none.
    NoFields = "no-fields" =>
        "`value.name` asks for a field, but the value is an int, a bool, a date or text, which have no fields. Only `record`, `member` and the records of an aggregation have fields.",
    /// A value reserved to overrides is used elsewhere.
    OverriddenOutsideOverride = "overridden-outside-override" =>
        "`overridden` stands for the value a definition would have without the override, and exists only inside an override's `when:` or `then:`. In an override of a `collect:` definition it has no meaning: such an override adds one element to the list. Elsewhere, refer to the definition by name.",
    /// A rule file holds a second YAML document.
    SeveralDocuments = "several-documents" =>
        "A rule file holds one YAML document; a `---` line starts a second one. Split the documents into files of their own.",
    /// A row of a decision table can never decide.
    Shadowed = "shadowed" =>
        "An earlier row of the decision table holds whenever this row does, so this row never decides. Reorder the rows, or delete the dead one.",
    /// An expression does not parse.
    Syntax = "syntax" =>
        "An expression does not follow the grammar of the expression language. The caret points where parsing stopped and the message says what could come there; rules/REFERENCE.md describes the language.",
    /// An expression nests too deeply.
    TooDeep = "too-deep" =>
        "An expression nests deeper than the checker follows. Split it into named definitions; each can then be cited on its own.",
    /// A value has a type where another is needed.
    TypeMismatch = "type-mismatch" =>
        "A value has one type where another is needed: an int compared with a date, text added to a number, a field declared with another type than the data has. The message gives both types; convert the value or fix the declaration.",
    /// An output is named but not defined.
    UndefinedOutput = "undefined-output" =>
        "The schema declares an output that no rule file defines. Define it in a rule file with `for: record` or `for: member`, or remove it from the schema.",
    /// The schema names a field the data does not have.
    UnknownDataField = "unknown-data-field" =>
        "The schema declares a field of records or members that the data sources do not provide. The schema may only declare fields the stores read; see the field list in rules/REFERENCE.md.",
    /// A field that does not exist.
    UnknownField = "unknown-field" =>
        "An expression or a `personal:` list names a field that records or members do not have. The help lists the fields there are; fields are declared in `schema.yaml`.",
    /// A function that does not exist.
    UnknownFunction = "unknown-function" =>
        "An expression calls a function the language does not have. The help lists the functions there are, and suggests the closest name.",
    /// A key that the mapping does not take.
    UnknownKey = "unknown-key" =>
        "A mapping in a rule file, test file, case file or profile has a key it does not take, often a misspelling. The help lists the keys it takes. Unknown keys are errors, not ignored, so that a misspelt `effective_until` cannot silently keep a rule in force.",
    /// `--member` names a member not in the data.
    UnknownMember = "unknown-member" =>
        "`--member` names a member id that the data does not hold. Ids are the `users.id` of the dump or the `id` of a case file's members.",
    /// A name that is not defined.
    UnknownName = "unknown-name" =>
        "An expression refers to a name that is neither a definition, a constant, a parameter nor `record` or `member`. The help suggests the closest name.",
    /// A value that is not one of its enumeration's.
    UnknownOutcome = "unknown-outcome" =>
        "A decision table row gives an `outcome:` that is not a value of the output's enumeration. The help lists the values; enumerations are declared in `schema.yaml`.",
    /// `--record` names a record not in the data.
    UnknownRecord = "unknown-record" =>
        "`--record` names a notary row that the data does not hold as of the evaluation date: it does not exist, or was entered later. Choose another record or a later `--as-of`.",
    /// A section of a rule file names a definition that does not exist.
    UnknownDefinition = "unknown-definition" =>
        "A `why_not:` question or a mailing names a definition that the rules do not have, or that is not of the scope and type it needs (a mailing selects with a `for: record` bool definition). The help suggests the closest name.",
    /// An override of a definition that does not exist.
    UnknownTarget = "unknown-target" =>
        "An override's `target:` names an output that no rule file defines. Check the spelling against the outputs of `schema.yaml`.",
    /// A type that does not exist.
    UnknownType = "unknown-type" =>
        "A `type:` names neither a built-in type (`int`, `bool`, `text`, `date`) nor an enumeration of the schema. The help lists the types there are.",
    /// A value that is not one of those the key takes.
    UnknownValue = "unknown-value" =>
        "A key takes one of a fixed set of values and was given another. The help lists the values it takes.",
    /// A `kind:` that does not exist.
    UnknownKind = "unknown-kind" =>
        "A rule file's `kind:` says what sort of document it encodes: `policy`, `motion` or `ruling`.",
    /// A `role:` that does not exist.
    UnknownRole = "unknown-role" =>
        "A mailing's `role:` says which member of each selected record receives the message: `assurer` or `assuree`.",
    /// A `for:` that does not exist.
    UnknownScope = "unknown-scope" =>
        "A definition's `for:` says what it is computed for: `record` (each notary row) or `member`.",
    /// A rule file's format version is not one this build reads.
    UnknownVersion = "unknown-version" =>
        "A rule file declares a `version:` of the rule format this build of wotrules does not read. Use the version the help names, or a newer wotrules.",
    /// A definition no output uses.
    Unused = "unused" =>
        "A definition is not used by any output, directly or through other definitions, so it never affects a decision. Use it or delete it. This is a warning; `check --strict` makes it an error.",
    /// A command-line argument is not usable.
    Usage = "usage" =>
        "A command-line argument names something that does not exist or cannot be combined with the others, such as `--explain` with an output the rules do not define. The help says what it takes.",
    /// A definition refers to something not available in its scope.
    WrongScope = "wrong-scope" =>
        "A record definition sees `record`, and its members as `record.assurer` and `record.assuree`; a member definition sees `member`, and its records through `member.received` and `member.given`. `member` in a record definition, or `record` in a member definition, is refused.",
    /// A YAML value has the wrong shape.
    WrongShape = "wrong-shape" =>
        "A key expects a single value, a list or a mapping, and was given another shape. Quote text that starts with `[`, `{` or `-`, or holds `: `, so that YAML reads it as text.",
    /// A YAML value is not of the expected kind.
    WrongValue = "wrong-value" =>
        "A key expects a value of a certain kind (true or false, a whole number, null) and was given something else.",
    /// The YAML itself does not parse.
    Yaml = "yaml" =>
        "The file is not valid YAML: an indentation error, an unclosed quote, a tab used for indentation. The caret points where the YAML parser stopped.",
    /// A file or directory cannot be read or written.
    Io = "io" =>
        "A file or directory cannot be read or written: it does not exist, permissions forbid it, the disk is full, or it is something wotrules refuses to replace (its own input, a directory, a device). Nothing has been changed; the message names the path.",
    /// A git revision cannot be read.
    Git = "git" =>
        "A `git:REV` argument (such as `--base git:main` for `diff`) cannot be read: git is not installed, the revision does not exist, or it holds no rules directory at that path. Name it with `git:REV:PATH` when the rules were elsewhere then.",
    /// A population profile for `gen` is wrong.
    BadProfile = "bad-profile" =>
        "The profile given to `wotrules gen` is not valid: a key it does not take, a date that is not a date, a share that is not a number between 0 and 1. benches/population.yaml is a complete example.",
    /// A rule test file is wrong.
    BadTestFile = "bad-test-file" =>
        "A rule test file (under `rules/tests/`) is not valid: an unknown key, an expectation of an output that does not exist, a member or record missing from its case. The message names the test.",
    /// A rule cannot be written as SQL.
    SqlFragment = "sql-fragment" =>
        "`wotrules sql` writes the rules as SQL views, and this rule uses something the SQL fragment cannot express in the chosen dialect. README.md, \"The SQL fragment\", lists what it can; evaluate these rules with `wotrules eval` instead.",
    /// No rule test matches the filter.
    NoTests = "no-tests" =>
        "`wotrules test --filter TEXT` keeps the tests whose name or file contains TEXT, and none does. Check the spelling, or run without `--filter` to see them all.",
    /// A rules directory has no schema.
    NoSchema = "no-schema" =>
        "A rules directory holds `schema.yaml`, which declares the data's fields, the enumerations and the outputs. The directory given has none: pass the right directory with `--rules`, or run `wotrules new` to start one.",
    /// A file laid over the rules as a draft does not say it is one.
    NotADraft = "not-a-draft" =>
        "`--draft PATH` lays draft rule files over the rule set: each adds definitions and overrides, or replaces the rule file with its `id`. A draft must say `status: draft` at its top level, so that a file of adopted rules is never applied as a draft by mistake and every output a draft decides can be marked `DRAFT id`. Add the line, or pass the file with `--rules` if it is not a draft.",
    /// A rule file lies in no rules directory.
    NoRuleSet = "no-rule-set" =>
        "The language server checks a rule file with the rule set it belongs to: the nearest folder above it that holds `schema.yaml`. This file looks like a rule file (it has `definitions:` or `overrides:`) but no folder above it holds a schema, so nothing can check it. Open it inside a rules directory (`wotrules new rules DIR` makes one from the shipped rules), or start the server with `wotrules lsp --rules DIR`.",
    /// A mysqldump cannot be imported.
    MysqlDump = "mysql-dump" =>
        "A MariaDB or MySQL dump cannot be imported: it is truncated, holds a statement or a value the importer does not read, has rows that contradict the schema, or was dumped in a character set that garbles text. The message gives the line; nothing has been written. docs/dumps.md lists the `mariadb-dump` options that work.",
    /// An evaluation failed.
    Evaluation = "evaluation" =>
        "The rules passed the checker, but evaluating them on this data failed, for example a date computed out of range. The message names the record or member; fix the rule or report the data.",
    /// A file is not UTF-8 text.
    Encoding = "encoding" =>
        "A rule file, case file or test file is not valid UTF-8 text. Save it as UTF-8.",
    /// A SQLite database cannot be used.
    Database = "database" =>
        "A SQLite database cannot be used: it is not a SQLite file, is damaged, or lacks the tables and columns of a wotrules import. Import the dump again with `wotrules import`.",
    /// A case file is wrong.
    BadCase = "bad-case" =>
        "A YAML case file is not valid: an unknown key, a record naming a member the case does not list, an id used twice, a date that is not a date. The message names the member or record.",
    /// `fmt` leaves a file as it is.
    NotFormatted = "not-formatted" =>
        "`wotrules fmt` leaves a file as it is because formatting it could change its meaning or lose a comment it cannot place. Format it by hand; `wotrules check` says whether it is valid.",
}
