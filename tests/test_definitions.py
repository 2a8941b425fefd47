"""The whole Definitions object loads: catches broken wiring before any run."""

import subprocess
import sys

import dagster as dg

from cchc.orchestration.definitions import JOB_NAME, build_definitions
from cchc.orchestration.settings import load_settings


def test_definitions_load():
    defs = build_definitions(load_settings())
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/dossiers", "raw/agencies", "raw/payments"} <= keys
    assert defs.resolve_job_def(JOB_NAME)
    assert defs.resolve_sensor_def("landing_sensor")
    dg.Definitions.validate_loadable(defs)


def test_definitions_load_without_importing_dbt_core():
    """dbt runs in its own process: the orchestrator's dagster-dbt leaves dbt-core unimported
    (seconds of every run's start), and dbt-core stays importable afterwards."""
    script = (
        "import sys\n"
        "from cchc.orchestration.definitions import build_definitions\n"
        "from cchc.orchestration.settings import load_settings\n"
        "build_definitions(load_settings())\n"
        "print(sorted(m for m in sys.modules if m == 'dbt' or m.startswith('dbt.')))\n"
        "import dbt.version\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_secrets_reach_resources_by_variable_name_only(monkeypatch):
    """The UI shows resources' config: the pseudonymisation key and the PostgreSQL password
    are there as variable names, resolved only when a run starts."""
    monkeypatch.setenv("CCHC_POSTGRES_URL", "postgresql://u:secret-pw@localhost:5432/db")
    defs = build_definitions(load_settings())
    assert defs.resources["landing"].pii_key == dg.EnvVar("CCHC_PII_KEY")
    assert defs.resources["target"].postgres_url == dg.EnvVar("CCHC_POSTGRES_URL")


def test_check_list_in_the_docs_is_every_check_of_the_job():
    """docs/checks.md is what `cchc checks` prints, and names exactly the job's checks."""
    from pathlib import Path

    from cchc.orchestration.checklist import catalogue, markdown

    entries = catalogue(block_on_skipped=True)
    graph = build_definitions(load_settings()).resolve_asset_graph()
    job_checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {(e.asset, e.name) for e in entries} == job_checks
    docs = Path(__file__).parents[1] / "docs" / "checks.md"
    assert docs.read_text() == markdown(entries), "regenerate: cchc checks > docs/checks.md"
    assert not next(e for e in catalogue(block_on_skipped=False) if e.name == "accounted").blocking


def test_contract_in_the_docs_is_what_the_code_enforces():
    """docs/contract.md is what `cchc contract` prints: every source column with its
    Vietnamese header, every mart column with its description."""
    from pathlib import Path

    from cchc.orchestration.contract import markdown
    from cchc.sources.contracts import CONTRACTS

    text = markdown()
    docs = Path(__file__).parents[1] / "docs" / "contract.md"
    assert docs.read_text() == text, "regenerate: cchc contract > docs/contract.md"
    assert "| `received_at` | Ngày tiếp nhận |" in text
    assert all(f"### `{name}`" in text for name in CONTRACTS)
    assert "### `marts.indicator_scorecard`" in text and "| `status` |" in text


def test_landing_sensor_requests_changed_days_then_skips(env):
    from datetime import datetime

    from tests.landing_files import drop

    row = {
        "procedure_code": "P",
        "procedure_name": "Thủ tục",
        "level": "commune",
        "online_level": "full",
        "updated_at": datetime(2026, 3, 1),
    }
    drop(env.landing_dir, "procedures", "2026-03-01", [row])
    drop(env.landing_dir, "procedures", "2026-03-04", [row])
    defs = build_definitions(env)
    sensor = defs.resolve_sensor_def("landing_sensor")
    with dg.build_sensor_context(resources=defs.resources) as context:
        request = sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert request.tags["dagster/asset_partition_range_start"] == "2026-03-01"
        assert request.tags["dagster/asset_partition_range_end"] == "2026-03-04"
        keys = {k.to_user_string() for k in request.asset_selection}
        assert "raw/procedures" in keys and "raw/dossiers" not in keys
        assert "publish/snapshot" in keys
        assert isinstance(sensor(context), dg.SkipReason)  # nothing new since


def test_settings_are_read_without_side_effects(tmp_path, monkeypatch):
    """Reading the settings writes no file and changes no variable; without `CCHC_PII_KEY`
    the key is generated into the data folder when the pipeline first needs it, owner-only,
    and stays the same after."""
    import os

    from cchc.orchestration.resources import landing_zone

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CCHC_PII_KEY")
    before = dict(os.environ)
    settings = load_settings()
    assert dict(os.environ) == before
    assert not (tmp_path / "data").exists()
    landing = landing_zone(settings)
    assert landing.pii_key is None  # nothing secret in the resource's config
    key = landing.key
    assert len(key) == 64 and landing_zone(load_settings()).key == key
    assert settings.pii_key_file.stat().st_mode & 0o777 == 0o600
    dbt = build_definitions(settings).resources["dbt"]
    assert dbt.warehouse == str(tmp_path / "data" / "warehouse.duckdb")
