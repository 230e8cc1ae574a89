#!/usr/bin/env python3
"""Runs the script of `wotrules sql --dialect spark` in Spark SQL (local mode) over CAcert's
tables read from a SQLite database `wotrules import` wrote (tables.py), and writes the
views' rows as JSON lines.

    spark_views.py DB.sqlite SCRIPT.sql AS_OF RECORDS.jsonl MEMBERS.jsonl WAREHOUSE

AS_OF is the date set in `wotrules_params` (the support request is the case's); a script
printed with `--as-of` ignores it. The tables of `wotrules sql --tables` are written as
Parquet under the directory WAREHOUSE. Each table becomes a temporary view, as a table of a
distributed catalogue (Hive, Delta) would be named in production.
"""
import datetime
import sys

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


def main():
    database, script, as_of, records_file, members_file, warehouse = sys.argv[1:7]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("wotrules")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
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
    ticket, by, mismatch = request
    params = spark.createDataFrame(
        [(datetime.date.fromisoformat(as_of), ticket, by, mismatch)],
        "as_of date, ticket string, requested_by string, mismatch string",
    )
    # One statement a line or more, each ending with `;` at the end of a line (a text
    # literal holds no line break: the dialect escapes it). The script's wotrules_params
    # (today) is replaced by the date and request asked for before anything reads it.
    with open(script, encoding="utf-8") as f:
        for statement in f.read().split(";\n"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
            if body.strip():
                spark.sql(body)
            if "VIEW wotrules_params " in body:
                params.createOrReplaceTempView("wotrules_params")
    for view, path in (("wotrules_records", records_file), ("wotrules_members", members_file)):
        with open(path, "w", encoding="utf-8") as out:
            for line in spark.sql(f"SELECT * FROM {view}").toJSON().collect():
                out.write(line + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
