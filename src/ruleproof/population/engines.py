"""SQL engines that run the compiled ruleset: DuckDB embedded (default) and Spark SQL.

An `Engine` registers a data source as the view `src_` (CSV read as text, Parquet typed, or a
table of a DuckDB database file), runs query text and returns rows as Python values (DECIMAL as
`Fraction`). Only the loading and three dialect details live here: identifier quoting, a
full-string regex match and the row-number source of the synthetic generator. The ruleset's
semantics is one query text that runs unchanged on both (`ruleproof.population.sqlexpr`).

Long queries show a progress line on stderr when stderr is a terminal.

Spark: `SparkEngine(master)` starts (or joins) a session with ANSI SQL on; `master` is a Spark
master URL (`local[2]`, `spark://host:7077`, `yarn`, …). Under `spark-submit` the session that
`spark-submit` configured is used as is.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from ruleproof.errors import Diagnostic, RulesetError, Span

SOURCE_VIEW = "src_"


def _bad(where: str, message: str, fix: str = "") -> RulesetError:
    return RulesetError([Diagnostic("RP705", message, Span.point(where, 1, 1), fix=fix)])


def plain(v: Any) -> Any:
    """An engine value as a ruleproof value: DECIMAL → Fraction, the rest unchanged."""
    if isinstance(v, Decimal):
        return Fraction(v)
    return v


class Engine(Protocol):
    name: str

    def register(self, source: str, table: str | None = None) -> list[tuple[str, str]]: ...

    def rows(self, sql: str, label: str = "") -> list[tuple[Any, ...]]: ...

    def quote(self, column: str) -> str: ...

    def full_match(self, text: str, pattern: str) -> str: ...

    def range_sql(self, n: int) -> str: ...

    def create_view(self, name: str, sql: str) -> None: ...

    def register_sql(self, sql: str) -> list[tuple[str, str]]: ...

    def close(self) -> None: ...


def _kind(path: str) -> str:
    low = path.lower()
    if low.endswith((".csv", ".csv.gz", ".tsv")):
        return "csv"
    if low.endswith(".parquet") or Path(path).is_dir():
        return "parquet"
    if low.endswith((".duckdb", ".db", ".ddb")):
        return "duckdb"
    raise _bad(
        path,
        "unknown data format",
        "give a .csv file, a .parquet file (or a folder of them), or a .duckdb file with --table",
    )


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class Progress:
    """Shows `label NN%` on stderr while `poll()` reports progress (only on a terminal)."""

    def __init__(self, label: str, poll: Callable[[], float | None]) -> None:
        self.label, self.poll = label, poll
        self.on = sys.stderr.isatty()

    def run(self, work: Callable[[], Any]) -> Any:
        if not self.on:
            return work()
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["out"] = work()
            except BaseException as exc:  # re-raised in the caller's thread
                box["err"] = exc

        th = threading.Thread(target=target, daemon=True)
        th.start()
        shown = False
        while th.is_alive():
            th.join(0.25)
            pct = self.poll()
            if th.is_alive() and pct is not None and pct >= 0:
                sys.stderr.write(f"\r{self.label} {pct:5.1f}%")
                sys.stderr.flush()
                shown = True
        if shown:
            sys.stderr.write("\r" + " " * (len(self.label) + 8) + "\r")
        if "err" in box:
            raise box["err"]
        return box.get("out")


class DuckDBEngine:
    """DuckDB in this process; `threads` defaults to DuckDB's own choice."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_sql_string(memory_limit)}")
        self.con.execute("SET preserve_insertion_order = false")
        # These two rewrite passes grow super-linearly on the long CASE chains of counterfactual
        # alternatives (9 s of planning for 32 alternatives of a 20-rule scorecard, 0.2 s without).
        self.con.execute("SET disabled_optimizers = 'in_clause,expression_rewriter'")

    def register(self, source: str, table: str | None = None) -> list[tuple[str, str]]:
        kind = _kind(source)
        if not Path(source).exists():
            raise _bad(source, "no such file or folder")
        if kind == "csv":
            rel = f"read_csv({_sql_string(source)}, all_varchar = true, header = true)"
        elif kind == "parquet":
            pattern = str(Path(source) / "*.parquet") if Path(source).is_dir() else source
            rel = f"read_parquet({_sql_string(pattern)})"
        else:
            if not table:
                raise _bad(source, "a DuckDB file needs --table NAME")
            self.con.execute(f"ATTACH {_sql_string(source)} AS srcdb_ (READ_ONLY)")
            rel = f"srcdb_.{self.quote(table)}"
        try:
            self.con.execute(f"CREATE OR REPLACE VIEW {SOURCE_VIEW} AS SELECT * FROM {rel}")
            described = self.con.execute(f"DESCRIBE {SOURCE_VIEW}").fetchall()
        except Exception as exc:  # duckdb raises its own error classes
            raise _bad(source, f"cannot read the data: {str(exc).splitlines()[0]}") from None
        return [(str(r[0]), str(r[1])) for r in described]

    def create_view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    def register_sql(self, sql: str) -> list[tuple[str, str]]:
        self.create_view(SOURCE_VIEW, sql)
        return [
            (str(r[0]), str(r[1])) for r in self.con.execute(f"DESCRIBE {SOURCE_VIEW}").fetchall()
        ]

    def rows(self, sql: str, label: str = "") -> list[tuple[Any, ...]]:
        def work() -> list[tuple[Any, ...]]:
            return self.con.execute(sql).fetchall()

        def poll() -> float | None:
            try:
                p = self.con.query_progress()
            except Exception:  # no query running
                return None
            return float(p) if p is not None else None

        out: list[tuple[Any, ...]] = Progress(label or "duckdb", poll).run(work)
        return [tuple(plain(v) for v in r) for r in out]

    def quote(self, column: str) -> str:
        return '"' + column.replace('"', '""') + '"'

    def full_match(self, text: str, pattern: str) -> str:
        return f"regexp_full_match({text}, {_sql_string(pattern)})"

    def range_sql(self, n: int) -> str:
        return f"(SELECT range AS id FROM range({int(n)}))"

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """Spark SQL through pyspark (an optional extra: `pip install 'ruleproof[spark]'`)."""

    name = "spark"

    def __init__(self, master: str | None = None, conf: dict[str, str] | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise _bad(
                "--engine",
                "the Spark engine needs pyspark",
                "pip install 'ruleproof[spark]' (and Java 17 or newer)",
            ) from None
        builder = SparkSession.builder.appName("ruleproof-impact")
        if master:
            builder = builder.master(master)
        elif SparkSession.getActiveSession() is None and "spark.master" not in (conf or {}):
            builder = builder.master("local[2]")
        settings = {
            "spark.sql.ansi.enabled": "true",
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "4",
            **(conf or {}),
        }
        for k, v in settings.items():
            builder = builder.config(k, v)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")

    def register(self, source: str, table: str | None = None) -> list[tuple[str, str]]:
        kind = _kind(source)
        if kind == "duckdb":
            raise _bad(source, "Spark cannot read a DuckDB file", "export it to Parquet first")
        if not Path(source).exists() and "://" not in source:
            raise _bad(source, "no such file or folder")
        try:
            reader = self.spark.read
            if kind == "csv":
                df = reader.option("header", "true").csv(source)
            else:
                df = reader.parquet(source)
        except Exception as exc:  # pyspark's AnalysisException and friends
            raise _bad(source, f"cannot read the data: {str(exc).splitlines()[0]}") from None
        df.createOrReplaceTempView(SOURCE_VIEW)
        return [(name, dtype) for name, dtype in df.dtypes]

    def create_view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def register_sql(self, sql: str) -> list[tuple[str, str]]:
        df = self.spark.sql(sql)
        df.createOrReplaceTempView(SOURCE_VIEW)
        return [(name, dtype) for name, dtype in df.dtypes]

    def rows(self, sql: str, label: str = "") -> list[tuple[Any, ...]]:
        tracker = self.spark.sparkContext.statusTracker()

        def poll() -> float | None:
            done = total = 0
            for sid in tracker.getActiveStageIds():
                info = tracker.getStageInfo(sid)
                if info is not None:
                    done += info.numCompletedTasks
                    total += info.numTasks
            return 100.0 * done / total if total else None

        def work() -> list[Any]:
            return self.spark.sql(sql).collect()

        out = Progress(label or "spark", poll).run(work)
        return [tuple(plain(v) for v in r) for r in out]

    def quote(self, column: str) -> str:
        return "`" + column.replace("`", "``") + "`"

    def full_match(self, text: str, pattern: str) -> str:
        return f"({text} RLIKE {_sql_string('^(' + pattern + ')$')})"

    def range_sql(self, n: int) -> str:
        return f"(SELECT id FROM range({int(n)}))"

    def close(self) -> None:
        pass  # the session is shared with the caller (e.g. spark-submit); it stops at exit


def open_engine(name: str, master: str | None = None, threads: int | None = None) -> Engine:
    """The engine called `name` (`duckdb` or `spark`)."""
    if name == "duckdb":
        return DuckDBEngine(threads)
    if name == "spark":
        return SparkEngine(master)
    raise _bad("--engine", f"unknown engine `{name}`", "use duckdb or spark")
