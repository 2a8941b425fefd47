"""The landing reader: a run's planned deliveries read ahead, in plan order, within a bound."""

import threading
import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from cchc.orchestration.definitions import JOB_NAME, build_definitions
from cchc.orchestration.partitions import range_tags
from cchc.orchestration.read_ahead import LandingReader, delivery_bytes, read_day
from cchc.sources.contracts import CONTRACTS
from cchc.sources.landing import Delivery, scan
from tests.landing_files import AGENCY, PROCEDURE, dossier, drop

DOSSIERS = CONTRACTS["dossiers"]


class Recorder:
    """`read_day`, noting which days it read, in order."""

    def __init__(self) -> None:
        self.days: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, delivery: Delivery, contract):
        with self._lock:
            self.days.append(delivery.day)
        return read_day(delivery, contract)

    def wait_for(self, count: int) -> list[str]:
        deadline = time.monotonic() + 10
        while len(self.days) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.days)


def deliveries(landing: Path) -> list[Delivery]:
    found = scan(landing, ["dossiers"], date(2026, 1, 1), date(2026, 1, 9)).deliveries
    return [found["dossiers"][day] for day in sorted(found["dossiers"])]


@pytest.fixture
def four_days(tmp_path) -> list[Delivery]:
    for day in range(1, 5):
        drop(tmp_path, "dossiers", f"2026-01-0{day}", [dossier(day, day)])
    return deliveries(tmp_path)


def ids(reader: LandingReader, delivery: Delivery) -> list[str]:
    (text,) = reader.read(DOSSIERS, delivery).result()
    return text.rows["dossier_id"].to_list()


def test_planned_days_are_read_ahead_in_order_up_to_the_bound(four_days):
    first, second, third, fourth = four_days
    recorder = Recorder()
    bound = delivery_bytes(first) + delivery_bytes(second)
    reader = LandingReader([(DOSSIERS, d) for d in four_days], bound, recorder)
    try:
        assert recorder.wait_for(2) == ["2026-01-01", "2026-01-02"]
        time.sleep(0.2)
        assert len(recorder.days) == 2  # the bound holds the rest back until a day is taken
        assert ids(reader, first) == ["HS-1"]
        assert recorder.wait_for(3) == ["2026-01-01", "2026-01-02", "2026-01-03"]
        assert [ids(reader, d) for d in (second, third, fourth)] == [["HS-2"], ["HS-3"], ["HS-4"]]
        assert recorder.days == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
    finally:
        reader.close()


def test_a_day_asked_for_before_its_turn_is_read_once(four_days):
    recorder = Recorder()
    reader = LandingReader(
        [(DOSSIERS, d) for d in four_days], delivery_bytes(four_days[0]), recorder
    )
    try:
        assert ids(reader, four_days[3]) == ["HS-4"]
        assert [ids(reader, d) for d in four_days[:3]] == [["HS-1"], ["HS-2"], ["HS-3"]]
        assert sorted(recorder.days) == [f"2026-01-0{d}" for d in range(1, 5)]
    finally:
        reader.close()


def test_a_day_redelivered_after_the_plan_is_read_again(tmp_path):
    drop(tmp_path, "dossiers", "2026-01-01", [dossier(1, 1)])
    (planned,) = deliveries(tmp_path)
    recorder = Recorder()
    reader = LandingReader([(DOSSIERS, planned)], 1 << 20, recorder)
    try:
        recorder.wait_for(1)
        drop(tmp_path, "dossiers", "2026-01-01", [dossier(7, 1), dossier(8, 1)])
        (redelivered,) = deliveries(tmp_path)
        assert redelivered.fingerprint != planned.fingerprint
        assert ids(reader, redelivered) == ["HS-7", "HS-8"]
        assert recorder.days == ["2026-01-01", "2026-01-01"]
    finally:
        reader.close()


def test_without_a_plan_nothing_is_read_until_asked(four_days):
    recorder = Recorder()
    reader = LandingReader(read=recorder)
    try:
        time.sleep(0.1)
        assert recorder.days == []
        assert ids(reader, four_days[2]) == ["HS-3"]
        assert recorder.days == ["2026-01-03"]
    finally:
        reader.close()


def test_a_run_reads_its_sources_ahead_in_the_order_its_steps_run(env):
    """`execute_in_process` (as `cchc run`) runs every step in one process: the first loading
    step plans every source of the run, reference sources first."""
    drop(env.landing_dir, "dossiers", "2026-01-05", [dossier(1)])
    drop(env.landing_dir, "agencies", "2026-01-06", [AGENCY])
    drop(env.landing_dir, "procedures", "2026-01-06", [PROCEDURE])
    drop(env.landing_dir, "dossiers", "2026-01-06", [dossier(2, 6)])
    instance = dg.DagsterInstance.ephemeral()
    job = build_definitions(env).resolve_job_def(JOB_NAME)
    result = job.execute_in_process(
        instance=instance,
        asset_selection=[dg.AssetKey(["raw", s]) for s in ("dossiers", "agencies", "procedures")],
        tags=range_tags("2026-01-05", "2026-01-06"),
        raise_on_error=False,
    )
    assert result.success
    planned = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.user_message.startswith("Reading ahead")
    ]
    assert planned == [
        "Reading ahead the 4 deliveries to load: agencies, procedures, dossiers, in order"
    ]
