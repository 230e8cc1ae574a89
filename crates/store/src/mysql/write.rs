//! A case written as a dump of CAcert's production database, as MariaDB 10.11's
//! `mariadb-dump --default-character-set=latin1 --skip-tz-utc` writes it: the tables as
//! CAcert's migrations build them (`scripts/db_migrations/version0.sh` … `version7.sh` of
//! CAcertOrg/cacert-devel: every column, `latin1` tables holding UTF-8 text as the webdb
//! writes it), and the rows one a line in extended `INSERT`s.
//!
//! `wotrules gen --mysql-dump` writes it; `scripts/mariadb-roundtrip.sh` loads it into a
//! real MariaDB.

use std::io::Write;
use wotrules_core::diag::DiagnosticCode;

use crate::replace::{Replacement, Target};

use wotrules_core::data::Rows;
use wotrules_core::lang::UNDATED;

/// The production tables the store reads, with every column they have, and two it does
/// not read (`cats_type`, `email`).
const PRODUCTION_TABLES: &str = r"--
-- Table structure for table `cats_passed`
--

DROP TABLE IF EXISTS `cats_passed`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `cats_passed` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `variant_id` int(11) NOT NULL,
  `pass_date` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (`id`),
  UNIQUE KEY `test_passed` (`user_id`,`variant_id`,`pass_date`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table `cats_type`
--

DROP TABLE IF EXISTS `cats_type`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `cats_type` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `type_text` varchar(255) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `type_text` (`type_text`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table `cats_variant`
--

DROP TABLE IF EXISTS `cats_variant`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `cats_variant` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `type_id` int(11) NOT NULL,
  `test_text` varchar(255) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `test_text` (`test_text`,`type_id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table `email`
--

DROP TABLE IF EXISTS `email`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `email` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `memid` int(11) NOT NULL DEFAULT 0,
  `email` varchar(255) NOT NULL DEFAULT '',
  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `hash` varchar(50) NOT NULL DEFAULT '',
  `attempts` int(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `memid` (`memid`),
  KEY `stats_email_hash` (`hash`),
  KEY `stats_email_deleted` (`deleted`),
  KEY `email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table `notary`
--

DROP TABLE IF EXISTS `notary`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `notary` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `from` int(11) NOT NULL DEFAULT 0,
  `to` int(11) NOT NULL DEFAULT 0,
  `awarded` int(3) NOT NULL DEFAULT 0,
  `points` int(3) NOT NULL DEFAULT 0,
  `method` enum('Face to Face Meeting','Trusted Third Parties','Thawte Points Transfer','Administrative Increase','CT Magazine - Germany','Temporary Increase','Unknown','TOPUP','TTP-Assisted') NOT NULL DEFAULT 'Face to Face Meeting',
  `location` varchar(255) NOT NULL DEFAULT '',
  `date` varchar(255) NOT NULL DEFAULT '',
  `when` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `expire` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `sponsor` int(11) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`),
  KEY `from` (`from`),
  KEY `to` (`to`),
  KEY `from_2` (`from`),
  KEY `to_2` (`to`),
  KEY `stats_notary_when` (`when`),
  KEY `stats_notary_method` (`method`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `password` varchar(255) NOT NULL DEFAULT '',
  `fname` varchar(255) NOT NULL DEFAULT '',
  `mname` varchar(255) NOT NULL DEFAULT '',
  `lname` varchar(255) NOT NULL DEFAULT '',
  `suffix` varchar(50) NOT NULL DEFAULT '',
  `dob` date NOT NULL DEFAULT '0000-00-00',
  `verified` int(1) NOT NULL DEFAULT 0,
  `ccid` int(3) NOT NULL DEFAULT 0,
  `regid` int(5) NOT NULL DEFAULT 0,
  `locid` int(7) NOT NULL DEFAULT 0,
  `listme` int(1) NOT NULL DEFAULT 0,
  `codesign` int(1) NOT NULL DEFAULT 0,
  `1024bit` tinyint(1) NOT NULL DEFAULT 0,
  `contactinfo` varchar(255) NOT NULL DEFAULT '',
  `admin` tinyint(1) NOT NULL DEFAULT 0,
  `orgadmin` tinyint(1) NOT NULL DEFAULT 0,
  `ttpadmin` tinyint(1) NOT NULL DEFAULT 0,
  `adadmin` tinyint(1) unsigned NOT NULL DEFAULT 0,
  `board` tinyint(1) NOT NULL DEFAULT 0,
  `tverify` tinyint(1) NOT NULL DEFAULT 0,
  `locadmin` tinyint(1) NOT NULL DEFAULT 0,
  `language` varchar(5) NOT NULL DEFAULT '',
  `Q1` varchar(255) NOT NULL DEFAULT '',
  `Q2` varchar(255) NOT NULL DEFAULT '',
  `Q3` varchar(255) NOT NULL DEFAULT '',
  `Q4` varchar(255) NOT NULL DEFAULT '',
  `Q5` varchar(255) NOT NULL DEFAULT '',
  `A1` varchar(255) NOT NULL DEFAULT '',
  `A2` varchar(255) NOT NULL DEFAULT '',
  `A3` varchar(255) NOT NULL DEFAULT '',
  `A4` varchar(255) NOT NULL DEFAULT '',
  `A5` varchar(255) NOT NULL DEFAULT '',
  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `locked` tinyint(1) NOT NULL DEFAULT 0,
  `uniqueID` varchar(255) NOT NULL,
  `otphash` varchar(16) NOT NULL DEFAULT '',
  `otppin` smallint(4) unsigned zerofill NOT NULL DEFAULT 0000,
  `assurer` int(2) NOT NULL DEFAULT 0,
  `assurer_blocked` tinyint(1) NOT NULL DEFAULT 0,
  `lastLoginAttempt` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ccid` (`ccid`),
  KEY `regid` (`regid`),
  KEY `locid` (`locid`),
  KEY `email` (`email`),
  KEY `stats_users_created` (`created`),
  KEY `stats_users_verified` (`verified`),
  KEY `userverified` (`verified`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
";

/// Writes `case` as a dump of CAcert's production database. CATS passes are of a variant
/// of type `cats_type`; members without one get a pass of a variant of another type, which
/// must not count. A pass without a date is written as the zero date.
pub fn write_mysql_dump(case: &Rows, out: &mut impl Write, cats_type: i64) -> std::io::Result<()> {
    let datetime = |d: Option<chrono::NaiveDateTime>| {
        d.map_or("'0000-00-00 00:00:00'".to_string(), |d| {
            format!("'{}'", d.format("%Y-%m-%d %H:%M:%S"))
        })
    };
    let date = |d: Option<chrono::NaiveDate>| d.map_or("'0000-00-00'".into(), |d| format!("'{d}'"));
    writeln!(
        out,
        "/*M!999999\\- enable the sandbox mode */ \n\
         -- MariaDB dump 10.19  Distrib 10.11.14-MariaDB, for debian-linux-gnu (x86_64)\n--\n\
         -- Host: localhost    Database: cacert\n\
         -- ------------------------------------------------------\n\
         -- Server version\t10.11.14-MariaDB-0+deb12u2\n\n\
         /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n\
         /*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n\
         /*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n\
         /*!40101 SET NAMES latin1 */;\n\
         /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\
         /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n\
         /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\
         /*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n"
    )?;
    writeln!(out, "{PRODUCTION_TABLES}")?;
    let mut passes = Batch::new("cats_passed");
    let mut pass_id = 0;
    // The other variant's passes are dated with the first entry of the data.
    let first_day = case.records.iter().filter_map(|r| r.when.get()).min();
    for member in &case.members {
        let other = first_day
            .filter(|_| member.cats_passes.is_empty())
            .map(|day| {
                (
                    2,
                    datetime(Some(day.date().and_hms_opt(12, 0, 0).unwrap_or(day))),
                )
            });
        let kept = member.cats_passes.iter().map(|&pass| {
            let at = (pass != UNDATED)
                .then(|| pass.and_hms_opt(12, 0, 0))
                .flatten();
            (1, datetime(at))
        });
        for (variant, pass) in kept.chain(other) {
            pass_id += 1;
            passes.add(out, &format!("({pass_id},{},{variant},{pass})", member.id))?;
        }
    }
    passes.finish(out)?;
    let mut types = Batch::new("cats_type");
    types.add(out, &format!("({cats_type},'Assurer Challenge')"))?;
    types.add(out, &format!("({},'Data Privacy Quiz')", cats_type + 1))?;
    types.finish(out)?;
    let mut variants = Batch::new("cats_variant");
    variants.add(
        out,
        &format!("(1,{cats_type},'Assurer Challenge (generated)')"),
    )?;
    variants.add(
        out,
        &format!("(2,{},'Data Privacy Quiz (generated)')", cats_type + 1),
    )?;
    variants.finish(out)?;
    let mut emails = Batch::new("email");
    for member in &case.members {
        let email = member.contact.as_deref().map_or("", |c| c.email.as_str());
        let row = format!(
            "({},{},{},'2004-01-01 00:00:00','2004-01-01 00:00:00','0000-00-00 00:00:00','',0)",
            member.id,
            member.id,
            quote(email)
        );
        emails.add(out, &row)?;
    }
    emails.finish(out)?;
    let mut notary = Batch::new("notary");
    for r in &case.records {
        let row = format!(
            "({},{},{},{},{},{},{},{},{},{},0,{})",
            r.id,
            r.from,
            r.to,
            r.awarded,
            r.points,
            quote(case.texts.get(r.method)),
            quote(case.texts.get(r.location)),
            quote(case.texts.get(r.date)),
            datetime(r.when.get()),
            datetime(r.expire.get()),
            datetime(r.deleted.get()),
        );
        notary.add(out, &row)?;
    }
    notary.finish(out)?;
    let mut users = Batch::new("users");
    for member in &case.members {
        let contact = member.contact.as_deref().cloned().unwrap_or_default();
        let deleted = member.deleted.map(|d| d.and_time(chrono::NaiveTime::MIN));
        let row = format!(
            "({},{},'*',{},{},{},{},{},1,0,0,0,0,0,0,'',0,0,{},0,0,0,0,'en_US','','','','','','','','','','','2004-01-01 00:00:00','2004-01-01 00:00:00',{},{},'u{}','',0000,{},{},NULL)",
            member.id,
            quote(&contact.email),
            quote(&contact.fname),
            quote(&contact.mname),
            quote(&contact.lname),
            quote(&contact.suffix),
            date(member.dob),
            member.ttpadmin,
            datetime(deleted),
            i64::from(member.locked),
            member.id,
            i64::from(member.assurer),
            i64::from(member.assurer_blocked),
        );
        users.add(out, &row)?;
    }
    users.finish(out)?;
    writeln!(
        out,
        "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n\
         /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n\
         /*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n\
         /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n\
         /*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n\
         /*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n\
         /*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n\
         -- Dump completed on 2026-12-01 12:00:00"
    )
}

/// Writes `case` as a new dump file at `target` (see [`write_mysql_dump`]), whole or not
/// at all.
pub fn write_mysql_dump_file(
    case: &Rows,
    target: Target,
    cats_type: i64,
) -> Result<(), wotrules_core::diag::Diagnostic> {
    let shown = target.shown().to_string();
    let written = Replacement::beside(target).and_then(|dump| {
        let file = std::fs::OpenOptions::new().write(true).open(dump.path())?;
        let mut out = std::io::BufWriter::new(file);
        write_mysql_dump(case, &mut out, cats_type)?;
        out.flush()?;
        drop(out);
        dump.commit()
    });
    written.map_err(|e| {
        wotrules_core::diag::Diagnostic::input_error(DiagnosticCode::Io, format!("{shown}: {e}"))
            .help("check the directory and the disk")
    })
}

/// Text as a MySQL string literal, escaped as `mysqldump` does.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Extended `INSERT`s of about 1 MiB, one row a line as MariaDB 10.11 writes them, inside
/// `LOCK TABLES`.
struct Batch {
    table: &'static str,
    statement: String,
    started: bool,
}

impl Batch {
    const STATEMENT_BYTES: usize = 1 << 20;

    fn new(table: &'static str) -> Self {
        Self {
            table,
            statement: String::new(),
            started: false,
        }
    }

    fn add(&mut self, out: &mut impl Write, row: &str) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            let table = self.table;
            writeln!(
                out,
                "--\n-- Dumping data for table `{table}`\n--\n\nLOCK TABLES `{table}` WRITE;\n/*!40000 ALTER TABLE `{table}` DISABLE KEYS */;"
            )?;
        }
        if self.statement.is_empty() {
            self.statement = format!("INSERT INTO `{}` VALUES\n{row}", self.table);
        } else {
            self.statement.push_str(",\n");
            self.statement.push_str(row);
        }
        if self.statement.len() >= Self::STATEMENT_BYTES {
            writeln!(out, "{};", std::mem::take(&mut self.statement))?;
        }
        Ok(())
    }

    fn finish(mut self, out: &mut impl Write) -> std::io::Result<()> {
        if !self.statement.is_empty() {
            writeln!(out, "{};", std::mem::take(&mut self.statement))?;
        }
        if self.started {
            let table = self.table;
            writeln!(
                out,
                "/*!40000 ALTER TABLE `{table}` ENABLE KEYS */;\nUNLOCK TABLES;\n"
            )?;
        }
        Ok(())
    }
}
