"""CAcert's tables as a SQLite database `wotrules import` wrote holds them, for loading
into another engine: `users`, `notary`, `cats_passed`, `cats_variant`, and the support
request of a case (`wotrules_case`).

A zero date (`0000-00-00`, which MariaDB keeps and other engines cannot) is read as no date
(NULL); a database imported from a case file has no `cats_variant` and holds only CATS
passes, so it gets the one variant of `rules/schema.yaml`'s `store.cats_types` (1).
"""
import sqlite3

# Each table's columns with the type the other engines give them (CAcert's production
# types, as far as the engine has them).
COLUMNS = {
    "users": [
        ("id", "int"), ("email", "text"), ("fname", "text"), ("mname", "text"),
        ("lname", "text"), ("suffix", "text"), ("dob", "date"), ("assurer", "int"),
        ("assurer_blocked", "int"), ("ttpadmin", "int"), ("deleted", "timestamp"),
        ("locked", "int"),
    ],
    "notary": [
        ("id", "int"), ("from", "int"), ("to", "int"), ("points", "int"),
        ("awarded", "int"), ("method", "text"), ("location", "text"), ("date", "text"),
        ("when", "timestamp"), ("expire", "timestamp"), ("deleted", "timestamp"),
    ],
    "cats_passed": [("id", "int"), ("user_id", "int"), ("variant_id", "int"), ("pass_date", "timestamp")],
    "cats_variant": [("id", "int"), ("type_id", "int")],
}


def _value(kind, value):
    if kind in ("date", "timestamp") and isinstance(value, str) and value.startswith("0000-00-00"):
        return None
    return value


def read(path):
    """Every table's rows (lists in COLUMNS' order), and the request (ticket,
    requested_by, mismatch), read from the SQLite database at `path`."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables = {}
    for table, columns in COLUMNS.items():
        if table not in present:
            tables[table] = [[1, 1]]
            continue
        names = ", ".join(f'"{name}"' for name, _ in columns)
        tables[table] = [
            [_value(kind, value) for (_, kind), value in zip(columns, row)]
            for row in connection.execute(f"SELECT {names} FROM {table} ORDER BY 1")
        ]
    request = (None, None, None)
    if "wotrules_case" in present:
        row = connection.execute("SELECT ticket, requested_by, mismatch FROM wotrules_case").fetchone()
        if row:
            request = row
    return tables, request
