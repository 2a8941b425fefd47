"""The PostgreSQL publish target against a real server: the snapshot lands with no personal
data, a blocked gate leaves it untouched, each agency login counts only its rows."""

from __future__ import annotations

from datetime import date

import duckdb
import psycopg
import pytest

from cchc.orchestration import cli
from cchc.orchestration.publishing.snapshot import published_tables
from cchc.sources.sample import SampleConfig, generate
from tests.landing_files import drop, personal_values, unusable_dossiers
from tests.pg_server import postgres_server

SAMPLE = SampleConfig(date(2026, 1, 1), days=45, dossiers_per_day=10, procedures=30)
LATEST_RUN = "select run_id from marts.publish_log order by published_at desc limit 1"


@pytest.fixture(scope="module")
def server():
    with postgres_server() as url:
        yield url


@pytest.fixture
def province(env, server, monkeypatch):  # one publish serves every assertion: runs are slow
    """A province published to DuckDB and PostgreSQL; returns (settings, url)."""
    monkeypatch.setenv("CCHC_POSTGRES_URL", server)
    generate(env.landing_dir, SAMPLE)
    assert cli.main(["run"]) == cli.EXIT_WARNED  # published; the old sample is silent
    return env, server


def pg_rows(url: str, query: str, user: str | None = None) -> list[tuple]:
    with psycopg.connect(url, user=user) if user else psycopg.connect(url) as pg:
        return pg.execute(query).fetchall()


def duck_rows(settings, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.published), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def test_snapshot_lands_gate_holds_and_agencies_see_their_rows(province, capsys):
    settings, url = province
    no_personal_data(settings, url)
    for table in published_tables():
        assert pg_rows(url, f"select count(*) from marts.{table}") == duck_rows(
            settings, f"select count(*) from marts.{table}"
        ), table
    assert pg_rows(url, "select obj_description('marts.dim_indicator'::regclass)")[0][0]

    # an agency with merged units: its login sees its rows and theirs, nothing else
    (agency, merged) = duck_rows(
        settings,
        "select current_agency_code, count(*) from marts.dim_agency"
        " where agency_code <> current_agency_code group by 1 order by 2 desc limit 1",
    )[0]
    assert merged > 0
    assert cli.main(["postgres-login", agency, "--login", "so_a", "--password", "pw"]) == 0
    assert cli.main(["postgres-login", "--province", "--login", "tinh", "--password", "pw"]) == 0
    units = [
        a
        for (a,) in duck_rows(
            settings,
            "select agency_code from marts.dim_agency"
            " where ? in (current_agency_code, agency_code)",
            [agency],
        )
    ]
    assert len(units) == merged + 1
    for table, column in (
        ("dim_agency", "agency_code"),
        ("indicator_scorecard", "scope"),
        ("fct_dossier_monthly", "agency_code"),
    ):
        expected = duck_rows(
            settings,
            f"select count(*) from marts.{table} where {column} in (select unnest(?))",
            [units],
        )
        assert pg_rows(url, f"select count(*) from marts.{table}", user="so_a") == expected
        assert pg_rows(url, f"select count(*) from marts.{table}", user="tinh") == duck_rows(
            settings, f"select count(*) from marts.{table}"
        )
    assert pg_rows(url, "select count(*) from marts.dim_indicator", user="so_a")[0][0] > 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg_rows(url, "select * from cchc_access.agency_logins", user="so_a")

    # a blocked gate leaves PostgreSQL exactly as it was
    before = pg_rows(url, "select run_id from marts.publish_log order by published_at")
    scorecard = pg_rows(
        url,
        "select md5(string_agg(t::text, '|' order by t::text)) from marts.indicator_scorecard t",
    )
    drop(settings.landing_dir, "dossiers", "2026-02-15", unusable_dossiers())
    assert cli.main(["run"]) == 1
    assert pg_rows(url, "select run_id from marts.publish_log order by published_at") == before
    assert (
        pg_rows(
            url,
            "select md5(string_agg(t::text, '|' order by t::text))"
            " from marts.indicator_scorecard t",
        )
        == scorecard
    )


def pg_latest_run(url: str) -> str | None:
    """The run of the newest publish PostgreSQL holds; None before its first."""
    try:
        rows = pg_rows(url, LATEST_RUN)
    except psycopg.errors.UndefinedTable:
        return None
    return rows[0][0] if rows else None


def no_personal_data(settings, url: str) -> None:
    """No applicant id or name of the sample in any text value or column name."""
    names, ids = personal_values(settings.landing_dir)
    columns = pg_rows(
        url,
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts' and data_type = 'text'",
    )
    assert not [c for _, c in columns if c.startswith("applicant")]
    text = " ".join(
        str(v)
        for table, column in columns
        for (v,) in pg_rows(url, f'select distinct "{column}" from marts."{table}"')
    )
    assert not [v for v in list(names)[:50] + list(ids)[:200] if v in text]


def test_a_failed_copy_is_made_again_by_the_next_run_and_a_rollback_reaches_postgres(
    env, server, monkeypatch, capsys
):
    generate(env.landing_dir, SAMPLE)
    monkeypatch.setenv("CCHC_POSTGRES_URL", server.rsplit("/", 1)[0] + "/no_such_database")
    assert cli.main(["run"]) == cli.EXIT_BLOCKED
    err = capsys.readouterr().err
    assert f"Published: {env.published}, but the run failed after" in err
    assert "the PostgreSQL target was left as it was" in err
    [(first,)] = duck_rows(env, "select run_id from marts.publish_log")
    assert pg_latest_run(server) != first

    # the server is back; nothing new arrived, yet the night is not a quiet one
    monkeypatch.setenv("CCHC_POSTGRES_URL", server)
    assert cli.main(["run"]) == cli.EXIT_WARNED
    assert "Nothing new since" not in capsys.readouterr().out
    [(latest,)] = duck_rows(env, LATEST_RUN)
    assert latest != first and pg_latest_run(server) == latest

    # a rollback takes PostgreSQL back too; the copy owed was made: the next night is quiet
    assert cli.main(["rollback", "--by", "An", "--reason", "số liệu sai"]) == 0
    assert "PostgreSQL target rolled back too" in capsys.readouterr().out
    assert pg_latest_run(server) == first
    assert cli.main(["run"]) == cli.EXIT_WARNED
    assert "Nothing new since" in capsys.readouterr().out
    assert pg_latest_run(server) == first
