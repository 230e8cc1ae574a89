#!/usr/bin/env python3
"""Runs the script of `wotrules sql --dialect spark` in Spark SQL (local mode) over CAcert's
tables read from a SQLite database `wotrules import` wrote (tables.py), and writes the
views' rows as JSON lines and their columns' types as JSON.

    spark_views.py DB.sqlite SCRIPT.sql FORM AS_OF RECORDS.jsonl MEMBERS.jsonl WAREHOUSE TYPES.json ANSI

The date and the case's support request are set as the README says: the script is run,
`INSERT OVERWRITE TABLE wotrules_params VALUES (…)` replaces the parameters' row, and a
script of `--tables` (FORM `tables`; else `views`) is run again (its tables are computed as of the parameters when it
runs); plain views read the row when queried. A script printed with `--as-of` has the date
written in. The tables are Parquet under the directory WAREHOUSE. ANSI is `true` or
`false` (`spark.sql.ansi.enabled`). Each of CAcert's tables becomes a temporary view, as a
table of a distributed catalogue (Hive, Delta) would be named in production. Prints the
seconds the script and the two queries took (Spark's start left out).
"""
import datetime
import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql.types import DateType, LongType, StringType, StructField, StructType, TimestampType

from tables import COLUMNS, read

TYPES = {"int": LongType(), "text": StringType(), "date": DateType(), "timestamp": TimestampType()}


def convert(kind, value):
    if value is None:
        return None
    if kind == "date":
        return datetime.date.fromisoformat(value[:10])
    if kind == "timestamp":
        return datetime.datetime.fromisoformat(value if len(value) > 10 else value + " 00:00:00")
    return value


def literal(text):
    """A Spark SQL string literal, or NULL."""
    if text is None:
        return "NULL"
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def run(spark, script):
    """The script's statements, one after another (each ends with `;` at a line's end: a
    text literal holds no line break, the dialect escapes it)."""
    with open(script, encoding="utf-8") as f:
        for statement in f.read().split(";\n"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            if body.strip():
                spark.sql(body)


def main():
    database, script, form, as_of, records_file, members_file, warehouse, types_file, ansi = sys.argv[1:10]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("wotrules")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", ansi)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    tables, request = read(database)
    for table, columns in COLUMNS.items():
        schema = StructType([StructField(name, TYPES[kind], True) for name, kind in columns])
        rows = [
            tuple(convert(kind, value) for (_, kind), value in zip(columns, row))
            for row in tables[table]
        ]
        spark.createDataFrame(rows, schema).createOrReplaceTempView(table)
    start = time.monotonic()
    run(spark, script)
    ticket, by, mismatch = request
    spark.sql(
        f"INSERT OVERWRITE TABLE wotrules_params VALUES (DATE'{as_of}', "
        f"{literal(ticket)}, {literal(by)}, {literal(mismatch)})"
    )
    if form == "tables":
        run(spark, script)
    types = {}
    for view, path in (("wotrules_records", records_file), ("wotrules_members", members_file)):
        with open(path, "w", encoding="utf-8") as out:
            for line in spark.sql(f"SELECT * FROM {view}").toJSON().collect():
                out.write(line + "\n")
        for column, kind in spark.table(view).dtypes:
            types[f"{view}.{column}"] = kind
    took = time.monotonic() - start
    with open(types_file, "w", encoding="utf-8") as out:
        json.dump(types, out)
    print(f"{took:.1f}")
    spark.stop()


if __name__ == "__main__":
    main()
