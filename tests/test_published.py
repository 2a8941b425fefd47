"""The published snapshot as BI tools meet it: readable by older DuckDB releases,
self-describing in both formats, one indicator registry, Vietnamese labels, clean types."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cchc.orchestration.pipeline import run
from cchc.orchestration.publishing.snapshot import published_tables
from cchc.orchestration.settings import load_settings
from cchc.quality.suites import registry_codes
from cchc.sources.sample import SampleConfig, generate

#: Python of a side environment with an older DuckDB (`.ci/run` prepares it).
OLD_DUCKDB_PYTHON = Path(
    os.environ.get(
        "CCHC_OLD_DUCKDB_PYTHON", Path(__file__).parents[1] / ".ci/duckdb-1.1/bin/python"
    )
)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One clean run on a small province; returns its settings."""
    import dagster as dg

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CCHC_DATA_DIR", str(tmp_path_factory.mktemp("published") / "data"))
        for var in ("CCHC_LANDING_DIR", "CCHC_WAREHOUSE", "CCHC_PUBLISHED"):
            patch.delenv(var, raising=False)
        settings = load_settings()
        config = SampleConfig(date(2026, 1, 1), days=45, dossiers_per_day=10, procedures=30)
        generate(settings.landing_dir, config)
        outcome = run(settings, dg.DagsterInstance.ephemeral())
        assert outcome.success, outcome.failures
        yield settings


def test_published_file_opens_in_duckdb_1_1(published):
    if not OLD_DUCKDB_PYTHON.exists():
        if os.environ.get("CCHC_REQUIRE_OLD_DUCKDB"):
            pytest.fail(f"{OLD_DUCKDB_PYTHON} missing: .ci/run prepares it")
        pytest.skip(f"no older DuckDB at {OLD_DUCKDB_PYTHON} (.ci/run prepares one)")
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps([duckdb.__version__, con.execute("
        "'select count(*) from marts.indicator_scorecard').fetchone()[0]]))\n"
    )
    out = subprocess.run(
        [str(OLD_DUCKDB_PYTHON), "-c", script, str(published.published)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    version, rows = json.loads(out)
    assert version.startswith("1.1.")
    with duckdb.connect(str(published.published), read_only=True) as con:
        assert rows == con.execute("select count(*) from marts.indicator_scorecard").fetchone()[0]


def test_every_published_table_and_column_is_described_in_duckdb(published):
    with duckdb.connect(str(published.published), read_only=True) as con:
        tables = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
        columns = con.execute(
            "select table_name, column_name from duckdb_columns()"
            " where schema_name = 'marts' and coalesce(comment, '') = ''"
        ).fetchall()
    assert set(tables) == set(published_tables())
    assert all(tables.values()), tables
    assert columns == []


def test_every_parquet_file_carries_the_descriptions(published):
    for table in published_tables():
        path = published.published_dir / "parquet" / f"{table}.parquet"
        metadata = {k.decode(): v.decode() for k, v in pq.read_metadata(path).metadata.items()}
        assert metadata.get("description"), table
        for column in pq.read_schema(path).names:
            assert metadata.get(f"column:{column}"), (table, column)


def test_types_bi_tools_map_cleanly_and_keys_are_declared(published):
    with duckdb.connect(str(published.published), read_only=True) as con:
        huge = con.execute(
            "select table_name, column_name from duckdb_columns()"
            " where schema_name = 'marts' and data_type = 'HUGEINT'"
        ).fetchall()
        (stamp,) = con.execute(
            "select data_type from duckdb_columns() where table_name = 'publish_log'"
            " and column_name = 'published_at'"
        ).fetchone()
        keys = con.execute(
            "select table_name, constraint_column_names from duckdb_constraints()"
            " where constraint_type = 'PRIMARY KEY' order by 1"
        ).fetchall()
    assert huge == []
    assert stamp == "TIMESTAMP WITH TIME ZONE"
    assert keys == [
        ("dim_agency", ["agency_code"]),
        ("dim_indicator", ["indicator_code"]),
        ("fct_indicator_forecast", ["as_of_date", "scope", "indicator_code", "period_end"]),
        ("fct_procedure_coverage_monthly", ["month"]),
        ("fct_service_index_monthly", ["month", "scope", "sub_indicator_code"]),
        ("fct_survey_monthly", ["month", "agency_code", "sector"]),
        ("fct_work_record_monthly", ["month", "agency_code"]),
        ("source_freshness", ["source"]),
    ]
    schema = pq.read_schema(published.published_dir / "parquet" / "fct_headcount_reduction.parquet")
    assert str(schema.field("headcount").type) == "int64"


def test_one_registry_labels_and_one_province_marker(published):
    with duckdb.connect(str(published.published), read_only=True) as con:
        registry = [
            c for (c,) in con.execute("select indicator_code from marts.dim_indicator").fetchall()
        ]
        scored = {
            c
            for (c,) in con.execute(
                "select distinct indicator_code from marts.indicator_scorecard"
            ).fetchall()
        }
        unlabelled = con.execute(
            "select count(*) from marts.indicator_scorecard where status_label is null"
        ).fetchone()[0]
        online = con.execute(
            "select status, status_label from marts.indicator_scorecard where scope = 'province'"
            " and indicator_code = 'online_rate' and period_type = 'year' and value is not null"
        ).fetchall()
        province = con.execute(
            "select count(*) from marts.fct_headcount_reduction h join marts.dim_agency a"
            " using (agency_code) where h.agency_code = 'province'"
        ).fetchone()[0]
        labels = con.execute(
            "select distinct staff_category_label from marts.fct_headcount_reduction order by 1"
        ).fetchall()
    assert sorted(registry) == sorted(registry_codes())
    assert scored <= set(registry) and unlabelled == 0
    assert online and all(row == ("no_target", "Không có chỉ tiêu") for row in online)
    assert province > 0  # the province totals keep their name in a join
    assert labels == [("Công chức",), ("Hợp đồng",), ("Viên chức",)]
