"""What a run's checks and steps said: the one reading of a run's events, shared by the
publish asset (gate), `cchc run` (summary), and the alerting sensor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import dagster as dg

from cchc.sources.readers.errors import short


@dataclass(frozen=True)
class CheckOutcome:
    name: str  # asset/check, e.g. staging/stg_dossiers:quarantine_ratio
    passed: bool
    blocking: bool  # ERROR severity: a failure keeps the snapshot
    sample: str = ""  # failing expectations, source-days or codes, as shown to people


@dataclass
class RunReport:
    checks: list[CheckOutcome] = field(default_factory=list)
    step_failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.passed]

    @property
    def warned(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and not c.blocking]

    @property
    def blocked(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and c.blocking]


def plain_cause(message: str) -> str:
    """A step's error as a person should read it: a full disk or a lock said so plainly,
    anything else cut short (a driver's message may quote data)."""
    text = message.strip()
    if "No space left on device" in text or "Errno 28" in text:
        return "the disk is full (No space left on device): free space and run again"
    if "Could not set lock on file" in text or "Conflicting lock" in text:
        return "another process holds the DuckDB file open for writing: " + short(text, 200)
    return short(text)


def check_outcome_name(asset_key: dg.AssetKey, check_name: str) -> str:
    """How a run's outcome names a check: asset path, then check name."""
    return f"{asset_key.to_user_string()}:{check_name}"


def read_events(events: Iterable[dg.DagsterEvent]) -> RunReport:
    """Check evaluations (latest per check) and step failures of a run, in order."""
    report = RunReport()
    latest: dict[str, CheckOutcome] = {}
    for event in events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            failures = evaluation.metadata.get("failures")
            name = check_outcome_name(evaluation.asset_key, evaluation.check_name)
            latest[name] = CheckOutcome(
                name,
                evaluation.passed,
                evaluation.severity == dg.AssetCheckSeverity.ERROR,
                "" if failures is None or evaluation.passed else short(str(failures.value), 600),
            )
        elif event.is_step_failure and event.step_failure_data:
            data = event.step_failure_data
            error = data.error.cause or data.error if data.error else None
            message = (
                data.user_failure_data.description or "failed"
                if data.user_failure_data
                else f"{error.cls_name}: {error.message}"
                if error
                else "failed"
            )
            report.step_failures.append(f"step {event.step_key}: {plain_cause(message)}")
    report.checks = list(latest.values())
    return report


#: Run tag with the run's verdict, shown in the runs list of the Dagster UI.
RESULT_TAG = "cchc/result"
#: Run tag of a quiet night: nothing new since the last publish, only the landing scan ran.
QUIET_TAG = "cchc/quiet"


def verdict(report: RunReport, run_failed: bool, quiet: bool) -> str:
    """One line a person reads in the runs list before opening the run."""
    if report.blocked:
        return f"blocked: {len(report.blocked)} check(s) failed, snapshot kept"
    if run_failed:
        return "failed: snapshot kept"
    done = "nothing new, snapshot kept" if quiet else "published"
    if report.warned:
        names = ", ".join(c.name.split(":")[-1] for c in report.warned)
        return short(f"{done}; {len(report.warned)} warning(s): {names}", 200)
    return done


def tag_result(instance: dg.DagsterInstance, run: dg.DagsterRun, report: RunReport) -> None:
    """Put the verdict on the run, where the UI shows it in the runs list."""
    failed = run.status == dg.DagsterRunStatus.FAILURE
    quiet = run.tags.get(QUIET_TAG) == "true"
    instance.add_run_tags(run.run_id, {RESULT_TAG: verdict(report, failed, quiet)})
