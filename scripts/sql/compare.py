#!/usr/bin/env python3
"""Compares the rows of the views `wotrules_records` and `wotrules_members`, as an engine
returned them, with the evaluator's decisions.

    compare.py EVAL_JSON RECORDS_JSONL MEMBERS_JSONL LABEL [TYPES_JSON DIALECT]

EVAL_JSON is `wotrules eval --db … --format json --explain` (its trace names the clause that
decided each output); the JSON lines hold one view row each, as the engine wrote it
(`JSON_OBJECT` in MariaDB, `row_to_json` in PostgreSQL, `toJSON` in Spark, which leaves
NULLs out). Every output and every `<output>_rule` must equal the evaluator's: a boolean
may come as 1/0 or true/false, a list as its JSON text. Prints one line of counts, and the
first disagreements; exits 1 on any.

TYPES_JSON maps `view.column` to the engine's name of the column's type
(information_schema's `data_type`, Spark's `dtypes`): each must be the type the rules give
the output (an integer a 64-bit integer, a boolean a boolean, text and lists text), as a
driver hands it to a program; `_rule` columns and `id` are text and integers.
"""
import json
import sys


def same(expected, got):
    if expected is None:
        return got is None
    if isinstance(expected, bool):
        return got in (True, 1, "1", "t", "true") if expected else got in (False, 0, "0", "f", "false")
    if isinstance(expected, int):
        return isinstance(got, (int, str)) and not isinstance(got, bool) and str(got) == str(expected)
    if isinstance(expected, list):
        if isinstance(got, str):
            try:
                got = json.loads(got)
            except ValueError:
                return False
        return got == expected
    return got == expected


# The engine's type names per the rules' type, by dialect.
FAMILIES = {
    "int": {"bigint", "int8", "long"},
    "bool": {"boolean", "bool"},
    "text": {"text", "string", "varchar", "character varying", "longtext", "mediumtext", "char"},
}
# MariaDB has no boolean type: its booleans are integers 0 or 1.
MARIADB_BOOL = {"int", "bigint", "tinyint"}


def rule_type(values):
    """The rules' type of a column, from the evaluator's values (None when all are null)."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        return "text"
    return None


def check_types(evaluation, types, dialect):
    """The columns whose engine type is not the one the rules give."""
    wrong = []
    for kind, view in (("records", "wotrules_records"), ("members", "wotrules_members")):
        entities = evaluation[kind]
        outputs = list(entities[0]["trace"].keys()) if entities else []
        expected = {"id": "int"}
        for output in outputs:
            expected[output] = rule_type(e[output] for e in entities)
            expected[f"{output}_rule"] = "text"
        for column, want in expected.items():
            got = types.get(f"{view}.{column}", "").lower()
            if want is None:
                continue
            allowed = FAMILIES[want] | (MARIADB_BOOL if want == "bool" and dialect == "mariadb" else set())
            if got not in allowed:
                wrong.append(f"{view}.{column}: {got or 'missing'}, the rules give {want}")
    return wrong


def main():
    evaluation_file, records_file, members_file, label = sys.argv[1:5]
    types_file, dialect = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else (None, None)
    with open(evaluation_file, encoding="utf-8") as f:
        evaluation = json.load(f)
    compared = disagreements = 0
    shown = []
    for kind, path in (("records", records_file), ("members", members_file)):
        rows = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    rows[int(row["id"])] = row
        decided = evaluation[kind]
        if len(rows) != len(decided):
            disagreements += 1
            shown.append(f"{kind}: the view has {len(rows)} rows, the evaluator {len(decided)}")
        for entity in decided:
            row = rows.get(entity["id"])
            if row is None:
                disagreements += 1
                shown.append(f"{kind} {entity['id']}: no row in the view")
                continue
            for output, trace in entity["trace"].items():
                location = trace["location"]
                wanted = {
                    output: entity[output],
                    f"{output}_rule": f"{location['rule_file']}:{location['line']}",
                }
                for column, value in wanted.items():
                    compared += 1
                    if not same(value, row.get(column)):
                        disagreements += 1
                        shown.append(
                            f"{kind} {entity['id']} {column}: evaluator {value!r}, view {row.get(column)!r}"
                        )
    typed = ""
    if types_file:
        with open(types_file, encoding="utf-8") as f:
            wrong = check_types(evaluation, json.load(f), dialect)
        disagreements += len(wrong)
        shown.extend(wrong)
        typed = f", every column's type {'checked' if not wrong else 'checked: ' + str(len(wrong)) + ' wrong'}"
    print(
        f"{label}: {compared} values compared over {len(evaluation['records'])} records "
        f"and {len(evaluation['members'])} members, {disagreements} disagreements{typed}"
    )
    for line in shown[:20]:
        print("  " + line)
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
