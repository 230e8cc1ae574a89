-- Rows as CAcert's webdb writes them: UTF-8 text through a connection that names no
-- character set (so latin1: the bytes are stored as they are), zero dates for "not set",
-- and what old MySQL's forgiving mode stored (an unknown method becomes the empty enum
-- value). Loaded by scripts/mariadb/roundtrip.sh and dump-fixtures.sh into CAcert's
-- production tables. Ids start at 900001 (members) and 9000001 (records), above any
-- generated population.
SET SESSION sql_mode = '';

INSERT IGNORE INTO cats_type (id, type_text) VALUES (1, 'Assurer Challenge'), (5, 'Data Privacy Quiz');
INSERT IGNORE INTO cats_variant (id, type_id, test_text) VALUES
  (5, 1, 'Assurer\'s challenge (EN)'),
  (6, 1, 'CAcert Assurer Prüfung (DE)'),
  (12, 5, 'Data Privacy Quiz (Generic)');

INSERT INTO users (id, email, fname, mname, lname, suffix, dob, assurer, assurer_blocked, ttpadmin, deleted, locked, uniqueID, created) VALUES
  (900001, 'jörg@example.org', 'Jörg', '', 'Müller-Lüdenscheidt', '', '1970-01-31', 1, 0, 0, '0000-00-00 00:00:00', 0, 'h1', '2004-01-01 00:00:00'),
  (900002, 'obrien@example.org', 'O\'Brien', 'Tab\there', 'Back\\slash "quoted"', 'Jr.', '0000-00-00', 0, 0, 1, '0000-00-00 00:00:00', 0, 'h2', '2004-01-01 00:00:00'),
  (900003, 'smile@example.org', 'Line\nbreak', 'Nul\0byte', 'Smile 😀', '', '1990-12-31', 0, 0, 0, '2011-02-03 04:05:06', 1, 'h3', '2004-01-01 00:00:00'),
  (900004, 'zhang@example.org', 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééx', '', 'Zhāng 张', '', '1985-06-15', 0, 0, 2, '0000-00-00 00:00:00', 0, 'h4', '2004-01-01 00:00:00'),
  (900005, 'cp1252@example.org', 'ÁÍÏÐÝ €uro ‚quotes‘ „Ž“', '', 'Œuvre • Šaš – ™', '', '1975-03-04', 1, 1, 0, '0000-00-00 00:00:00', 0, 'h5', '2004-01-01 00:00:00');

INSERT INTO notary (id, `from`, `to`, points, awarded, method, location, date, `when`, expire, sponsor, deleted) VALUES
  (9000001, 900001, 900002, 35, 35, 'Face to Face Meeting', 'Köln, Café am Dom', '13.6.2005', '2005-06-13 10:00:00', '0000-00-00 00:00:00', 0, '0000-00-00 00:00:00'),
  (9000002, 900003, 900002, 10, 0, 'Face to Face Meeting', 'Paris; -- here', '2004-02-10', '2004-02-10 12:00:00', '0000-00-00 00:00:00', 0, '0000-00-00 00:00:00'),
  (9000003, 900004, 900002, 20, 20, 'Face to Face Meeting', 'TTP "x" \\ y', 'anfang 2004', '2004-03-01 09:00:00', '0000-00-00 00:00:00', 0, '0000-00-00 00:00:00'),
  (9000004, 900002, 900001, 35, 35, 'Face to Face Meeting', '🏠 Home\nsecond line', '2009-01-01', '2009-01-02 10:00:00', '0000-00-00 00:00:00', 0, '2010-01-01 00:00:00'),
  (9000005, 900005, 900001, 30, 30, 'Bogus method', 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééy', '', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, '0000-00-00 00:00:00'),
  (9000006, 900001, 900005, 35, 35, 'TTP-Assisted', 'Wien', '2016-01-01', '2016-01-01 10:00:00', '2018-01-01 00:00:00', 0, '0000-00-00 00:00:00');

-- 00:30 in Berlin is the previous day in UTC; a zero pass date counts at every as_of; a
-- pass of the Data Privacy Quiz counts for nothing.
INSERT INTO cats_passed (id, user_id, variant_id, pass_date) VALUES
  (900001, 900001, 5, '2010-05-01 00:30:00'),
  (900002, 900002, 6, '0000-00-00 00:00:00'),
  (900003, 900003, 12, '2010-05-01 12:00:00');
