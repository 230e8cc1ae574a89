//! Dump import: one statement read as `mysqldump` writes it.
//!
//! Not a SQL parser: it knows the statements a dump holds that say something about the
//! rows (`CREATE TABLE`, `INSERT`/`REPLACE`, `SET NAMES`, `SET TIME_ZONE`, `USE`) and skips
//! every other.
//!
//! A statement is bytes of a hostile dump: none is indexed unchecked.
#![deny(clippy::indexing_slicing)]

/// A column of a `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnDef {
    /// Its name.
    pub name: String,
    /// Its type's first word, in lower case (`int`, `varchar`, `timestamp`, …).
    pub type_name: String,
    /// Its own `CHARACTER SET`, if it names one.
    pub charset: Option<String>,
}

/// A `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableDef {
    /// The table's name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<ColumnDef>,
    /// Its `DEFAULT CHARSET`, if it names one.
    pub charset: Option<String>,
    /// Its `AUTO_INCREMENT=N`, the id the next row would get, if it names one.
    pub auto_increment: Option<i64>,
}

/// What a statement says.
#[derive(Debug)]
pub(crate) enum Parsed<'a> {
    /// `CREATE TABLE`.
    CreateTable(TableDef),
    /// `INSERT`/`REPLACE` into `table`, with its column list when the dump names one; the
    /// rows are read from the cursor with [`Cursor::tuple`].
    Insert {
        /// The table.
        table: String,
        /// `--complete-insert`'s column list.
        columns: Option<Vec<String>>,
        /// Standing before the first row.
        rows: Cursor<'a>,
    },
    /// `SET NAMES charset`.
    SetNames(String),
    /// `SET TIME_ZONE='zone'`.
    SetTimeZone(String),
    /// `USE database`.
    Use(String),
    /// Anything else.
    Other,
}

/// Reads what `statement` says; an error is a message and the newlines before its place.
pub(crate) fn parse(text: &[u8]) -> Result<Parsed<'_>, (String, usize)> {
    let mut cursor = Cursor::new(text);
    let fail = |cursor: &Cursor, message: String| Err((message, cursor.newlines()));
    let first = cursor.word();
    if first.eq_ignore_ascii_case("CREATE") && cursor.keyword("TABLE") {
        if cursor.keyword("IF") {
            cursor.keyword("NOT");
            cursor.keyword("EXISTS");
        }
        let Some(name) = cursor.identifier() else {
            return fail(&cursor, "`CREATE TABLE` without a table name".into());
        };
        let Some(columns) = cursor.column_definitions() else {
            return fail(
                &cursor,
                format!("cannot read the columns of table `{name}`"),
            );
        };
        let (charset, auto_increment) = cursor.table_options();
        return Ok(Parsed::CreateTable(TableDef {
            name,
            columns,
            charset,
            auto_increment,
        }));
    }
    if first.eq_ignore_ascii_case("SET") {
        let variable = cursor.word();
        if variable.eq_ignore_ascii_case("NAMES") {
            return Ok(Parsed::SetNames(cursor.word()));
        }
        if variable.eq_ignore_ascii_case("TIME_ZONE")
            && cursor.next_byte() == Some(b'=')
            && let Some(quote @ (b'\'' | b'"')) = cursor.peek()
        {
            cursor.at += 1;
            if let Ok(zone) = cursor.quoted(quote) {
                return Ok(Parsed::SetTimeZone(
                    String::from_utf8_lossy(&zone).into_owned(),
                ));
            }
        }
        return Ok(Parsed::Other);
    }
    if first.eq_ignore_ascii_case("USE") {
        return match cursor.identifier() {
            Some(database) => Ok(Parsed::Use(database)),
            None => fail(&cursor, "`USE` without a database name".into()),
        };
    }
    if !(first.eq_ignore_ascii_case("INSERT") || first.eq_ignore_ascii_case("REPLACE")) {
        return Ok(Parsed::Other);
    }
    cursor.keyword("IGNORE");
    cursor.keyword("INTO");
    let Some(table) = cursor.identifier() else {
        return fail(&cursor, "`INSERT` without a table name".into());
    };
    let columns = if cursor.peek() == Some(b'(') {
        let Some(columns) = cursor.identifier_list() else {
            return fail(
                &cursor,
                format!("cannot read the column list of an `INSERT` into `{table}`"),
            );
        };
        Some(columns)
    } else {
        None
    };
    if !cursor.keyword("VALUES") {
        return fail(
            &cursor,
            format!("an `INSERT` into `{table}` without `VALUES`"),
        );
    }
    Ok(Parsed::Insert {
        table,
        columns,
        rows: cursor,
    })
}

/// A value as the dump writes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum DumpValue {
    /// `NULL`.
    #[default]
    Null,
    /// A number or another unquoted word.
    Bare(String),
    /// A quoted string or a hex literal, unescaped.
    Quoted(Vec<u8>),
}

impl DumpValue {
    /// The value as the dump shows it, for messages.
    pub(crate) fn shown(&self) -> String {
        match self {
            Self::Null => "NULL".into(),
            Self::Bare(text) => text.clone(),
            Self::Quoted(bytes) => {
                wotrules_core::escape::escape_control(&String::from_utf8_lossy(bytes))
            }
        }
    }
}

/// A position in one statement's text.
#[derive(Debug)]
pub(crate) struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    /// Newlines before `counted`, counted once (rows only move forward).
    newlines: std::cell::Cell<(usize, usize)>,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            at: 0,
            newlines: std::cell::Cell::new((0, 0)),
        }
    }

    /// How many newlines stand before the cursor.
    pub(crate) fn newlines(&self) -> usize {
        let (counted, mut newlines) = self.newlines.get();
        let end = self.at.min(self.text.len());
        let count = |bytes: Option<&[u8]>| {
            bytes
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        };
        if end < counted {
            return count(self.text.get(..end));
        }
        newlines += count(self.text.get(counted..end));
        self.newlines.set((end, newlines));
        newlines
    }

    /// Skips white space.
    pub(crate) fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    /// The next byte that is not white space, consumed.
    pub(crate) fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// An unquoted word (letters, digits, `_`, `.`, `-`, `+`, `$`).
    fn word(&mut self) -> String {
        self.skip_space();
        let start = self.at;
        while self.text.get(self.at).is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'+' | b'$')
        }) {
            self.at += 1;
        }
        String::from_utf8_lossy(self.text.get(start..self.at).unwrap_or_default()).into_owned()
    }

    /// Consumes `word` (in any case) when it comes next.
    fn keyword(&mut self, word: &str) -> bool {
        let start = self.at;
        if self.word().eq_ignore_ascii_case(word) {
            return true;
        }
        self.at = start;
        false
    }

    /// An identifier: backticked, double-quoted (`--compatible=ansi`) or bare.
    fn identifier(&mut self) -> Option<String> {
        let quote = match self.peek() {
            Some(quote @ (b'`' | b'"')) => quote,
            _ => {
                let word = self.word();
                return (!word.is_empty()).then_some(word);
            }
        };
        self.at += 1;
        let mut name = Vec::new();
        loop {
            let byte = *self.text.get(self.at)?;
            self.at += 1;
            if byte == quote {
                if self.text.get(self.at) == Some(&quote) {
                    self.at += 1;
                } else {
                    return String::from_utf8(name).ok();
                }
            }
            name.push(byte);
        }
    }

    /// `(`a`, `b`, …)`.
    fn identifier_list(&mut self) -> Option<Vec<String>> {
        (self.next_byte()? == b'(').then_some(())?;
        let mut names = Vec::new();
        loop {
            names.push(self.identifier()?);
            match self.next_byte()? {
                b',' => {}
                b')' => return Some(names),
                _ => return None,
            }
        }
    }

    /// The columns of a `CREATE TABLE` body (keys and constraints skipped), the cursor left
    /// after its closing `)`.
    fn column_definitions(&mut self) -> Option<Vec<ColumnDef>> {
        (self.next_byte()? == b'(').then_some(())?;
        let mut columns = Vec::new();
        loop {
            let start = self.at;
            let quoted = matches!(self.peek(), Some(b'`' | b'"'));
            let name = self.identifier()?;
            if self.at == start {
                return None;
            }
            let keyword = [
                "PRIMARY",
                "KEY",
                "UNIQUE",
                "INDEX",
                "CONSTRAINT",
                "FOREIGN",
                "FULLTEXT",
                "SPATIAL",
                "CHECK",
                "PERIOD",
            ]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&name));
            let type_name = self.word().to_ascii_lowercase();
            // The rest of the definition, to the `,` or `)` at depth 0, its words kept to
            // find `CHARACTER SET x`.
            let mut words: Vec<String> = Vec::new();
            let mut depth = 0usize;
            let end = loop {
                self.skip_space();
                let byte = *self.text.get(self.at)?;
                match byte {
                    b'\'' | b'"' => {
                        self.at += 1;
                        self.skip_quoted(byte)?;
                    }
                    b'(' => {
                        depth += 1;
                        self.at += 1;
                    }
                    b')' if depth == 0 => {
                        self.at += 1;
                        break b')';
                    }
                    b')' => {
                        depth -= 1;
                        self.at += 1;
                    }
                    b',' if depth == 0 => {
                        self.at += 1;
                        break b',';
                    }
                    _ => {
                        let word = self.word();
                        if word.is_empty() {
                            self.at += 1;
                        } else {
                            words.push(word);
                        }
                    }
                }
            };
            if quoted || !keyword {
                columns.push(ColumnDef {
                    name,
                    type_name,
                    charset: charset_in(&words),
                });
            }
            if end == b')' {
                return Some(columns);
            }
        }
    }

    /// The `DEFAULT CHARSET=x` (or `CHARACTER SET x`) and `AUTO_INCREMENT=n` among a
    /// `CREATE TABLE`'s options.
    fn table_options(&mut self) -> (Option<String>, Option<i64>) {
        let mut words = Vec::new();
        while let Some(byte) = self.peek() {
            self.at += 1;
            if matches!(byte, b'\'' | b'"') && self.skip_quoted(byte).is_none() {
                break;
            }
            if !(byte.is_ascii_alphanumeric() || byte == b'_') {
                continue;
            }
            self.at -= 1;
            words.push(self.word());
        }
        let auto_increment = words.windows(2).find_map(|pair| match pair {
            [name, value] if name.eq_ignore_ascii_case("AUTO_INCREMENT") => {
                value.parse::<i64>().ok()
            }
            _ => None,
        });
        (charset_in(&words), auto_increment)
    }

    /// Skips to after the closing `quote` (the opening one is consumed).
    fn skip_quoted(&mut self, quote: u8) -> Option<()> {
        loop {
            let byte = *self.text.get(self.at)?;
            self.at += 1;
            match byte {
                b'\\' => self.at += 1,
                b if b == quote => {
                    if self.text.get(self.at) == Some(&quote) {
                        self.at += 1;
                    } else {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
    }

    /// `(v, v, …)` of an `INSERT`.
    pub(crate) fn tuple(&mut self) -> Result<Vec<DumpValue>, String> {
        if self.next_byte() != Some(b'(') {
            return Err("a row must start with `(`".into());
        }
        let mut values = Vec::new();
        loop {
            values.push(self.value()?);
            match self.next_byte() {
                Some(b',') => {}
                Some(b')') => return Ok(values),
                Some(other) => return Err(format!("`{}` where `,` or `)` belongs", other as char)),
                None => return Err("a row ends without `)`".into()),
            }
        }
    }

    fn value(&mut self) -> Result<DumpValue, String> {
        match self.peek() {
            Some(quote @ (b'\'' | b'"')) => {
                self.at += 1;
                self.quoted(quote).map(DumpValue::Quoted)
            }
            Some(_) => {
                let word = self.word();
                if word.starts_with('_') && word.len() > 1 && self.peek() != Some(b',') {
                    // A character set introducer (`_binary 'x'`, `_latin1 'x'`).
                    return self.value();
                }
                if word.is_empty() {
                    return Err("a value is missing".into());
                }
                if word.eq_ignore_ascii_case("NULL") {
                    return Ok(DumpValue::Null);
                }
                if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
                    return hex_bytes(hex)
                        .map(DumpValue::Quoted)
                        .ok_or_else(|| format!("`{word}` is not a hex literal"));
                }
                Ok(DumpValue::Bare(word))
            }
            None => Err("a row ends without `)`".into()),
        }
    }

    /// A quoted string's content, unescaped as MySQL does (the opening quote is consumed).
    fn quoted(&mut self, quote: u8) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        loop {
            let Some(&byte) = self.text.get(self.at) else {
                return Err("a quoted value is not closed".into());
            };
            self.at += 1;
            match byte {
                b'\\' => {
                    let Some(&escaped) = self.text.get(self.at) else {
                        return Err("a quoted value is not closed".into());
                    };
                    self.at += 1;
                    let unescaped = match escaped {
                        b'0' => 0,
                        b'b' => 8,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'Z' => 26,
                        // `\%` and `\_` keep their backslash (MySQL's own rule).
                        b'%' | b'_' => {
                            out.push(b'\\');
                            escaped
                        }
                        other => other,
                    };
                    out.push(unescaped);
                }
                b if b == quote => {
                    if self.text.get(self.at) == Some(&quote) {
                        self.at += 1;
                        out.push(quote);
                    } else {
                        return Ok(out);
                    }
                }
                other => out.push(other),
            }
        }
    }
}

/// The character set named by `CHARACTER SET x` or `CHARSET x` among `words`.
fn charset_in(words: &[String]) -> Option<String> {
    words.iter().enumerate().find_map(|(i, word)| {
        if word.eq_ignore_ascii_case("CHARSET") {
            words.get(i + 1).cloned()
        } else if word.eq_ignore_ascii_case("CHARACTER")
            && words
                .get(i + 1)
                .is_some_and(|w| w.eq_ignore_ascii_case("SET"))
        {
            words.get(i + 2).cloned()
        } else {
            None
        }
    })
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_table_gives_its_columns_types_and_character_sets() {
        let text = b"CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `name` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'a,b (c)',\n  `pass` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n  `m` enum('x,y','z') NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`name`,`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci";
        let Ok(Parsed::CreateTable(table)) = parse(text) else {
            panic!("a table");
        };
        let shown: Vec<_> = table
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.type_name.as_str(), c.charset.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("id", "int", None),
                ("name", "varchar", Some("utf8mb4")),
                ("pass", "timestamp", None),
                ("m", "enum", None)
            ]
        );
        assert_eq!(table.charset.as_deref(), Some("latin1"));
    }

    #[test]
    fn ansi_identifiers_session_settings_and_use_are_read() {
        let Ok(Parsed::Insert { table, columns, .. }) =
            parse(b"INSERT INTO \"users\" (\"id\") VALUES (1)")
        else {
            panic!("an insert");
        };
        assert_eq!(
            (table.as_str(), columns),
            ("users", Some(vec!["id".into()]))
        );
        assert!(matches!(parse(b" SET NAMES utf8mb4 "), Ok(Parsed::SetNames(n)) if n == "utf8mb4"));
        assert!(
            matches!(parse(b" SET TIME_ZONE='+00:00' "), Ok(Parsed::SetTimeZone(z)) if z == "+00:00")
        );
        assert!(matches!(
            parse(b" SET TIME_ZONE=@OLD_TIME_ZONE "),
            Ok(Parsed::Other)
        ));
        assert!(matches!(parse(b"USE `cacert`"), Ok(Parsed::Use(d)) if d == "cacert"));
    }
}
