"""Make Great Expectations 1.x work on DuckDB through SQLAlchemy (duckdb-engine).

GX's `SqlAlchemyExecutionEngine.execute_query` returns the cursor result after its
`with get_connection()` block has closed the connection; with duckdb-engine the rows are
gone by then and every expectation fails with `IndexError: list index out of range`
(GX issue 11579, seen with GX 1.6–1.24). Buffering the result while the connection is still
open fixes it without pulling tables into pandas: the metrics are still computed by DuckDB.
The pin `great-expectations>=1.6,<1.25` in pyproject.toml is the range this is tested on.
"""

from __future__ import annotations

from great_expectations.execution_engine import SqlAlchemyExecutionEngine

_ORIGINAL = SqlAlchemyExecutionEngine.execute_query


def _execute_query_buffered(self: SqlAlchemyExecutionEngine, query):
    if self.dialect_name != "duckdb":
        return _ORIGINAL(self, query)
    with self.get_connection() as connection:
        result = self._execute_query_with_recovery(connection, query)
        return result.freeze()() if result.returns_rows else result


def install() -> None:
    """Patch the engine (idempotent)."""
    SqlAlchemyExecutionEngine.execute_query = _execute_query_buffered


def uninstall() -> None:
    """Restore GX's own method (tests use it to show the bug the shim fixes)."""
    SqlAlchemyExecutionEngine.execute_query = _ORIGINAL
