"""The sample generator is deterministic, realistic in structure, and parses cleanly."""

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cchc.sources.contracts import CONTRACTS
from cchc.sources.landing import deliveries
from cchc.sources.readers.files import read_file
from cchc.sources.sample import SampleConfig, generate
from cchc.sources.sample.reference import build_agencies

CFG = SampleConfig(start=date(2025, 6, 20), days=20, dossiers_per_day=60, seed=7, broken_share=0.01)


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    generate(root, CFG)
    return root


def test_same_seed_same_bytes(landing, tmp_path):
    generate(tmp_path, CFG)
    assert _digest(tmp_path) == _digest(landing)


def test_other_seed_other_data(landing, tmp_path):
    generate(tmp_path, SampleConfig(**{**CFG.__dict__, "seed": 8}))
    assert _digest(tmp_path) != _digest(landing)


def test_every_source_delivered_and_formats_mixed(landing):
    for source in (
        "agencies",
        "procedures",
        "dossiers",
        "documents",
        "investment_plan",
        "payments",
        "staffing",
    ):
        assert deliveries(landing, source), source
    suffixes = {p.suffix for p in landing.rglob("*.*")}
    assert {".csv", ".xlsx", ".jsonl"} <= suffixes
    boms = {p.read_bytes()[:2] for p in landing.rglob("*.csv")}
    assert b"\xef\xbb" in boms and (b"\xff\xfe" in boms or b"\xfe\xff" in boms)


def test_output_parses_under_contracts(landing):
    for source, contract in CONTRACTS.items():
        for delivery in deliveries(landing, source).values():
            for path in delivery.files:
                parsed = read_file(path, contract)
                assert parsed.rows_read == parsed.valid.height + parsed.quarantined.height
                # broken rows are sprinkled, never systemic (capped at 0.5 % of a file)
                assert parsed.quarantined.height <= max(0, int(parsed.rows_read * 0.005)) + 1


def test_reorganisation_shape():
    agencies = build_agencies(np.random.default_rng(1))
    current = [a for a in agencies if a.valid_to is None]
    communes = [a for a in current if a.level == "commune"]
    assert len(communes) == 104
    assert sum(a.type == "ward" for a in communes) == 11
    assert not [a for a in current if a.level == "district"]
    by_code = {a.code: a for a in agencies}
    for a in agencies:  # every abolished unit reaches a current unit through its chain
        seen = 0
        while a.successor_code:
            a = by_code[a.successor_code]
            seen += 1
            assert seen < 5
        assert a.valid_to is None


def test_dossiers_follow_weekday_seasonality(landing):
    rows = []
    for delivery in deliveries(landing, "dossiers").values():
        for path in delivery.files:
            rows.append(read_file(path, CONTRACTS["dossiers"]).valid)
    df = pl.concat(rows).unique("dossier_id")
    by_weekday = df.group_by(pl.col("received_at").dt.weekday()).len().sort("received_at")
    counts = dict(by_weekday.iter_rows())
    assert counts.get(7, 0) < counts[2] / 5  # Sunday far below Tuesday


def test_one_style_for_every_file(tmp_path):
    # Benchmarks compare engines on the same files: every file in one plain-CSV style.
    generate(tmp_path, SampleConfig(start=date(2026, 1, 26), days=10, style="csv_vn_bom"))
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".csv"}
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in files)


def test_next_night_continues_the_same_sample(tmp_path, env, capsys):
    """`cchc sample --next 2` writes exactly what a sample two days longer holds for those
    days, touches nothing else, and refuses to rewrite a day that exists."""
    from cchc.orchestration import cli

    options = ["--start", "2025-06-20", "--days", "20", "--dossiers-per-day", "60"]
    assert cli.main(["sample", *options, "--seed", "7"]) == 0
    before = _digest(env.landing_dir)
    assert cli.main(["sample", "--next", "2"]) == 0
    longer = tmp_path / "longer"
    generate(longer, SampleConfig(start=date(2025, 6, 20), days=22, dossiers_per_day=60, seed=7))
    after = _digest(env.landing_dir)
    assert after == _digest(longer)
    new = {k for k in after if k not in before}
    assert new and all(k.split("/")[1] in ("2025-07-10", "2025-07-11") for k in new)
    assert {k: after[k] for k in before} == before
    # versions of dossiers received before the new days (status changes) are in them
    ids = pl.concat(
        [
            read_file(p, CONTRACTS["dossiers"]).valid
            for p in env.landing_dir.glob("dossiers/2025-07-1*/*")
        ]
    )["dossier_id"]
    assert any(not i.startswith("H31.2025071") for i in ids.drop_nulls())
    (env.landing_dir / "dossiers" / "2025-07-12").mkdir()
    assert cli.main(["sample", "--next", "1"]) == cli.EXIT_USAGE
    assert "dossiers/2025-07-12" in capsys.readouterr().err
    assert _digest(env.landing_dir) == after
