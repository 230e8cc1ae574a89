#!/usr/bin/env python3
"""Prints a psql script loading CAcert's tables from a SQLite database `wotrules import`
wrote (see tables.py) into PostgreSQL, or, with `--request`, the SET clause giving
`wotrules_params` the case's support request.

    postgres_load.py DB.sqlite | psql …
    postgres_load.py --request DB.sqlite
"""
import sys

from tables import COLUMNS, read

TYPES = {"int": "integer", "text": "text", "date": "date", "timestamp": "timestamp"}


def csv_field(value):
    """A CSV field: NULL unquoted and empty, a text quoted (the empty text is "")."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def literal(value):
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def main():
    if sys.argv[1] == "--request":
        _, request = read(sys.argv[2])
        names = ("ticket", "requested_by", "mismatch")
        print(", ".join(f"{name} = {literal(value)}" for name, value in zip(names, request)))
        return
    tables, _ = read(sys.argv[1])
    out = sys.stdout
    for table, columns in COLUMNS.items():
        definition = ", ".join(f'"{name}" {TYPES[kind]}' for name, kind in columns)
        out.write(f"CREATE TABLE {table} ({definition}, PRIMARY KEY (id));\n")
        out.write(f"COPY {table} FROM STDIN WITH (FORMAT csv);\n")
        for row in tables[table]:
            out.write(",".join(csv_field(value) for value in row) + "\n")
        out.write("\\.\n")
    out.write('CREATE INDEX notary_to ON notary ("to");\nCREATE INDEX notary_from ON notary ("from");\n')
    out.write("ANALYZE;\n")


if __name__ == "__main__":
    main()
