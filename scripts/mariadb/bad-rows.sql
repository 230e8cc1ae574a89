-- Rows that production can hold and the rules cannot read, written as the webdb's
-- forgiving MySQL stored them: a name of 128 two-byte characters cut by varchar(255) inside
-- its last character, an impossible date of birth, a self-assurance. A dump that holds
-- them is refused, unless `--quarantine FILE` leaves them out and lists them.
SET SESSION sql_mode = '';

INSERT INTO users (id, email, fname, lname, dob, uniqueID) VALUES
  (900101, 'cut@example.org', 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé', 'Cut', '1980-01-01', 'b1'),
  (900102, 'born@example.org', 'Never', 'Born', '1975-00-10', 'b2');

INSERT INTO notary (id, `from`, `to`, points, awarded, method, location, date, `when`) VALUES
  (9000101, 900001, 900001, 35, 35, 'Face to Face Meeting', 'Mirror', '2009-01-01', '2009-01-01 10:00:00');
