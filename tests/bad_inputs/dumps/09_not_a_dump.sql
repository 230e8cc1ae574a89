Dear support,
please find attached our database;
regards
