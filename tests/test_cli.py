"""The `cchc` command line: sample, a landing folder outside the partitions, status without a
snapshot."""

from orchestration import cli


def test_sample_writes_every_source(env, capsys):
    assert (
        cli.main(["sample", "--start", "2026-01-05", "--days", "3", "--dossiers-per-day", "5"]) == 0
    )
    assert {p.name for p in env.landing_dir.iterdir()} >= {"agencies", "dossiers", "documents"}
    assert "2026-01-05 .. 2026-01-07" in capsys.readouterr().out


def test_run_accounts_for_a_date_outside_the_partitions(env, capsys):
    folder = env.landing_dir / "dossiers" / "2019-12-31"
    folder.mkdir(parents=True)
    (folder / "x.csv").write_text("Mã hồ sơ\nA\n")
    assert cli.main(["run"]) == 1  # the run goes on; the gate holds the snapshot back
    out = capsys.readouterr().out
    assert "! dossiers/2019-12-31: extract date before the first partition" in out
    assert "CCHC_FIRST_EXTRACT_DATE" in out


def test_status_before_any_publish(env, capsys):
    assert cli.main(["status"]) == 0
    assert "No snapshot published yet" in capsys.readouterr().out
