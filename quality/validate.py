"""Run the suites against a DuckDB file, in the database, and summarise what failed.

`Validator` runs them in a child process: GX keeps DuckDB connections (and their file lock)
alive in its pools after validating, and a process that exits releases them by
construction, whatever GX caches. The child is started ahead of need and imports GX and
makes its context while dbt builds (≈ 5 s of import and 1–4 s of context of every run
otherwise spent waiting), then validates once, on two cores, and exits.
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.quality.suites import SUITES, Suite


@dataclass
class SuiteResult:
    suite: Suite
    success: bool
    evaluated: int
    failures: list[dict[str, Any]] = field(default_factory=list)


def _failure(result) -> dict[str, Any]:
    config = result.expectation_config
    detail = result.result or {}
    out = {
        "expectation": config.type,
        **{k: v for k, v in config.kwargs.items() if k != "batch_id"},
    }
    if "unexpected_count" in detail:
        out["unexpected_count"] = detail["unexpected_count"]
        out["sample"] = [str(v) for v in detail.get("partial_unexpected_list", [])[:5]]
    if "observed_value" in detail:
        out["observed_value"] = str(detail["observed_value"])
    if result.exception_info and result.exception_info.get("raised_exception"):
        out["error"] = str(result.exception_info.get("exception_message"))[:300]
    return out


def _context() -> Any:
    """An ephemeral GX context with the DuckDB shim installed, no progress bars (one per
    metric, written to the child's stderr, which nobody reads) and no saving."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from cchc.quality import gx_duckdb

    gx_duckdb.install()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # An ephemeral context still "persists" its whole configuration, as YAML into memory, on
    # every asset and batch definition added, and nothing reads it back: a third of GX's
    # time on a night where every suite passes, growing with each suite added.
    context.variables.save = lambda: None
    return context


def connection_string(database: Path) -> str:
    """Read-only: the workers of the GX child read the warehouse at the same time."""
    return f"duckdb:///{database}?access_mode=read_only"


def validate(
    database: Path, suites: list[Suite], max_quarantine_ratio: float, context: Any = None
) -> list[SuiteResult]:
    """Validate every suite in one GX context (one import, one engine) against `database`."""
    import great_expectations as gx

    context = context or _context()
    # GX runs a suite's query three times (its columns, its row count, the expectation). A
    # query returning only the rows in breach is usually empty, but a grouping over the
    # whole table before it can say so: run it once into a temporary table (DuckDB keeps
    # those in memory, beside the read-only warehouse) and let GX read that.
    sources = {
        problems_only: context.data_sources.add_sql(
            name=f"warehouse_{problems_only}",
            connection_string=connection_string(database),
            create_temp_table=problems_only,
        )
        for problems_only in (False, True)
    }
    results = []
    for i, suite in enumerate(suites):
        source = sources[suite.problems_only]
        asset = source.add_query_asset(name=f"q{i}_{suite.name}", query=suite.query)
        expectations = suite.expectations(gx.expectations, max_quarantine_ratio)
        checked = context.suites.add(
            gx.ExpectationSuite(
                name=f"q{i}.{'.'.join(suite.asset)}.{suite.name}", expectations=expectations
            )
        )
        # A validation definition fetches its batch once per run; `get_batch()` then
        # `batch.validate()` fetched it twice (two temporary tables of a query above).
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=f"q{i}", data=asset.add_batch_definition_whole_table("all"), suite=checked
            )
        )
        # Pass or fail first; the sample values and counts of a failure only for a suite
        # that failed: their queries are half of GX's time on a night where all pass.
        outcome = definition.run(result_format="BOOLEAN_ONLY")
        if not outcome.success:
            outcome = definition.run(result_format="SUMMARY")
        failures = [_failure(r) for r in outcome.results if not r.success]
        results.append(SuiteResult(suite, outcome.success, len(outcome.results), failures))
    return results


class Validator:
    """One GX child process, importing GX from the moment it is created."""

    def __init__(self) -> None:
        self._errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by close)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "cchc.quality.validate"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )

    def validate(
        self, database: Path, suites: list[Suite], max_quarantine_ratio: float
    ) -> list[SuiteResult]:
        """`validate` in the child; same results."""
        request = {
            "database": str(database),
            "ratio": max_quarantine_ratio,
            "ids": [SUITES.index(s) for s in suites],
        }
        out, _ = self._proc.communicate(json.dumps(request) + "\n")
        if self._proc.returncode != 0:
            self._errors.seek(0)
            raise RuntimeError(f"GX validation failed to run:\n{self._errors.read()[-3000:]}")
        rows = json.loads(out.strip().splitlines()[-1])
        return [
            SuiteResult(SUITES[r["id"]], r["success"], r["evaluated"], r["failures"]) for r in rows
        ]

    def close(self) -> None:
        """Stop the child if it was never asked (the run ended before its checks)."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._errors.close()


#: Processes validating at once. GX's own Python is most of a validation (≈ 0.06 s a suite
#: that passes, 0.2 s one that fails and is validated again for its samples, whatever the
#: data; the queries are a small part of it) and the run waits for nothing else
#: meanwhile: the child forks once it has imported GX and made its context, so the import is
#: paid once and the suites are validated on two cores.
PROCESSES = 2
#: The context a forked worker inherits (a GX context cannot be pickled).
_CONTEXT: Any = None


def _rows(database: Path, ids: list[int], ratio: float) -> list[dict[str, Any]]:
    results = validate(database, [SUITES[i] for i in ids], ratio, _CONTEXT)
    return [
        {
            "id": SUITES.index(r.suite),
            "success": r.success,
            "evaluated": r.evaluated,
            "failures": r.failures,
        }
        for r in results
    ]


#: Modules GX imports with itself that none of the suites uses (scipy's statistics, for the
#: distribution expectations): made lazy in the child (importlib's `LazyLoader`), they load
#: on first use, if ever, instead of at GX's import: ≈ 1 s of its ≈ 4 s, paid while dbt
#: builds on the same two cores.
DEFERRED = ("scipy.stats",)


def defer_imports(names: tuple[str, ...]) -> None:
    """Import `names` lazily: the module object exists at once, its code runs when one of
    its attributes is first read (the standard library's recipe, importlib docs)."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)  # imports the parent package, as import would
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)


def _main() -> None:
    """Make a GX context, then validate the one request read from stdin, a share of the
    suites per forked worker, and print the results in the request's order. The suites
    open the warehouse read-only, so the workers read it together."""
    global _CONTEXT
    defer_imports(DEFERRED)
    _CONTEXT = _context()  # the slow part (import, context), done before the request comes
    request = json.loads(sys.stdin.readline())
    database, ids, ratio = Path(request["database"]), request["ids"], request["ratio"]
    shares = [ids[i::PROCESSES] for i in range(PROCESSES) if ids[i::PROCESSES]]
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(shares), mp_context=fork) as workers:
        parts = workers.map(_rows, [database] * len(shares), shares, [ratio] * len(shares))
        by_id = {row["id"]: row for part in parts for row in part}
    print(json.dumps([by_id[i] for i in ids], default=str), flush=True)
    # The workers have exited (their read-only hold on the warehouse with them). Python's
    # teardown of the GX-laden interpreter would take ≈ 2 s more, and the run waits for
    # this process to end: nothing is left to flush or close.
    os._exit(0)


if __name__ == "__main__":
    _main()
