"""The `cchc` command line: sample, status without a snapshot (runs: test_hostile_runs)."""

from cchc.orchestration import cli


def test_sample_writes_every_source(env, capsys):
    assert (
        cli.main(["sample", "--start", "2026-01-05", "--days", "3", "--dossiers-per-day", "5"]) == 0
    )
    assert {p.name for p in env.landing_dir.iterdir()} >= {"agencies", "dossiers", "documents"}
    assert "2026-01-05 .. 2026-01-07" in capsys.readouterr().out


def test_status_before_any_publish(env, capsys):
    assert cli.main(["status"]) == 0
    assert "No snapshot published yet" in capsys.readouterr().out
