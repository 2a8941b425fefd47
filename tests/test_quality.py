"""The GX-on-DuckDB shim, the suites catching bad data, the GX child's deferred imports, and
a warning-free dbt project."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cchc.orchestration.dbt_manifest import DBT_EXECUTABLE, DBT_PROJECT_DIR
from cchc.orchestration.warehouse import ensure_schema
from cchc.quality import gx_duckdb
from cchc.quality.suites import SUITES
from cchc.quality.validate import Validator, connection_string, validate


@pytest.fixture(scope="module")
def marts_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gx") / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_dossier_monthly as select range as received_count,"
            " 0 as online_eligible_count, 0 as online_count, 0 as completed_count,"
            " 0 as on_time_count, 0 as late_count, 0 as fee_dossier_count, 0 as rated_count,"
            " case when range = 7 then 1.5 else 0.5 end as online_rate,"
            " null::double as full_online_rate, 0.9 as on_time_rate, null::double as apology_rate,"
            " 1.0 as digitization_rate, 0.0 as result_digitization_rate,"
            " 0.7 as online_payment_rate, 0.95 as satisfaction_rate, 0 as synced_count,"
            " 0 as online_received_count, 0 as vneid_count, 0.5 as sync_rate,"
            " null::double as vneid_rate from range(1000)"
        )
    return path


def _unique_ids(path: Path) -> bool:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(
        name="w", connection_string=connection_string(path), create_temp_table=False
    )
    asset = source.add_query_asset(name="t", query="select * from marts.fct_dossier_monthly")
    batch = asset.add_batch_definition_whole_table("all").get_batch()
    expectation = gx.expectations.ExpectColumnValuesToBeUnique(column="received_count")
    return batch.validate(expectation).success


def test_shim_is_needed_and_sufficient(marts_db):
    gx_duckdb.uninstall()
    try:
        assert not _unique_ids(marts_db)  # GX issue 11579: fails on data that is fine
    finally:
        gx_duckdb.install()
    assert _unique_ids(marts_db)


def test_rate_suite_reports_the_bad_value(marts_db):
    suite = next(
        s
        for s in SUITES
        if s.asset == ("marts", "fct_dossier_monthly") and s.name == "rates_and_counts"
    )
    (result,) = validate(marts_db, [suite], 0.01)
    assert not result.success and suite.blocking
    (failure,) = result.failures
    assert failure["column"] == "online_rate"
    assert failure["unexpected_count"] == 1 and failure["sample"] == ["1.5"]


def test_child_validates_on_two_workers_and_keeps_the_order(marts_db):
    """The GX child splits the suites between forked workers; each result comes back with
    its own suite, in the order asked."""
    rates, reconciliation = [s for s in SUITES if s.asset == ("marts", "fct_dossier_monthly")]
    asked = [rates, reconciliation, rates]  # worker 1: rates, rates; worker 2: reconciliation
    validator = Validator()
    try:
        results = validator.validate(marts_db, asked, 0.01)
    finally:
        validator.close()
    assert [r.suite for r in results] == asked
    for result in (results[0], results[2]):
        (failure,) = result.failures
        assert failure["column"] == "online_rate" and failure["sample"] == ["1.5"]


def test_dbt_project_parses_without_warnings():
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "--warn-error",
            "parse",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            "target/warn-check",
        ],
        check=True,
    )


DOSSIER_IDS = next(s for s in SUITES if s.asset == ("staging", "stg_dossiers") and s.name == "ids")


def _staged_dossiers(path: Path, rows: list[tuple], builds: int, published: int | None) -> Path:
    """A warehouse whose stg_dossiers holds `rows` (dossier_id, agency_code, status,
    _build_no), after `builds` dbt builds of which build `published` was published."""
    with duckdb.connect(str(path)) as con:
        ensure_schema(con)
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_dossiers (dossier_id varchar, procedure_code varchar,"
            " agency_code varchar, received_at timestamp, due_at timestamp, status varchar,"
            " _build_no integer)"
        )
        con.executemany(
            "insert into staging.stg_dossiers values"
            " (?, 'P1', ?, timestamp '2026-01-05', timestamp '2026-01-09', ?, ?)",
            rows,
        )
        con.execute(
            "insert into audit.dbt_builds select range, now(),"
            " case when range = ? then now() end from range(1, ? + 1)",
            [published, builds],
        )
    return path


@pytest.mark.parametrize(
    ("rows", "builds", "published", "problems"),
    [
        pytest.param(
            [("HS-1", "A", "done", 1), ("HS-2", None, "done", 1), ("HS-1", "A", "open", 2)],
            2,
            1,
            ["HS-1: 2 rows"],
            id="a row written since the publish duplicates a key published before",
        ),
        pytest.param(
            [("HS-1", "A", "done", 1), ("HS-2", None, "done", 1), ("HS-3", "A", None, 2)],
            3,
            1,
            ["HS-3: status missing"],
            id="two builds later, nothing published since: the row is still checked",
        ),
        pytest.param(
            [("HS-1", "A", "done", 2), ("HS-2", None, "done", 2), ("HS-1", "A", "open", 2)],
            2,
            1,
            ["HS-1: 2 rows", "HS-2: agency_code missing"],
            id="a full refresh rewrote every row: all are checked",
        ),
        pytest.param(
            [("HS-1", "A", "done", None), ("HS-1", None, "done", None), (None, "A", "done", 1)],
            1,
            None,
            ["HS-1: 2 rows", "HS-1: agency_code missing", "a row: dossier_id missing"],
            id="rows written before builds were numbered, nothing published: all checked",
        ),
        pytest.param(
            [("HS-1", "A", "done", 1), ("HS-2", None, "done", 1), ("HS-3", "A", "open", 2)],
            2,
            1,
            [],
            id="only clean rows since the publish",
        ),
    ],
)
def test_key_check_reads_the_rows_written_since_the_last_publish(
    tmp_path, rows, builds, published, problems
):
    """Known answers: HS-2's missing agency was in a published build (a state every
    blocking check had passed, here made up) and is not reported again; whatever was written
    since is, with the keys it duplicates across the whole table. Fails if the check reads
    only the newest build, or ignores the scope."""
    database = _staged_dossiers(tmp_path / "w.duckdb", rows, builds, published)
    (result,) = validate(database, [DOSSIER_IDS], 0.01)
    assert result.success == (not problems)
    assert sorted(f for failure in result.failures for f in failure["sample"]) == problems


def test_row_rules_read_the_rows_written_since_the_last_publish(tmp_path):
    """HS-1 (completed before received) is in the published build and is not reported
    again; HS-2, written since, is, for its negative fee. Fails if the rule reads every row
    (two failures) or none."""
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        ensure_schema(con)
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_dossiers as select * from (values"
            " ('HS-1', date '2026-01-05', date '2026-01-04', 0, 1),"
            " ('HS-2', date '2026-01-05', date '2026-01-06', -1, 2))"
            " as t(dossier_id, received_at, completed_at, fee_amount, _build_no)"
        )
        con.execute("insert into audit.dbt_builds values (1, now(), now()), (2, now(), null)")
    rules = next(
        s for s in SUITES if s.asset == ("staging", "stg_dossiers") and s.name.startswith("date")
    )
    (result,) = validate(database, [rules], 0.01)
    assert not result.success
    assert [(f["column"], f["sample"]) for f in result.failures] == [("fee_amount", ["-1"])]


def test_a_module_the_gx_child_defers_loads_when_first_used():
    script = (
        "import sys\n"
        "from cchc.quality.validate import DEFERRED, defer_imports\n"
        "defer_imports(DEFERRED)\n"
        "import great_expectations\n"
        "loaded_with_gx = 'scipy.stats._stats_py' in sys.modules\n"
        "from scipy import stats\n"
        "print(loaded_with_gx, stats.norm.cdf(0.0))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "0.5"]  # not loaded by GX's import; loaded, and right, when used
