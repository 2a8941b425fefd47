"""`cchc`: a thin command line over the Dagster definitions (README, docs/operations.md)."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import warnings
from datetime import date, timedelta
from typing import NoReturn

from cchc.orchestration.settings import load_settings
from cchc.sources.sample.writers import STYLES

#: Where `cchc sample` records what it wrote, for `cchc sample --next`.
SAMPLE_RECORD = "sample.json"


def _sample(args: argparse.Namespace) -> int:
    from cchc.sources.sample import SampleConfig, extend, generate, save

    settings = load_settings()
    record = settings.data_dir / SAMPLE_RECORD
    if args.next:
        try:
            cfg = extend(settings.landing_dir, record, args.next, args.overwrite)
        except ValueError as exc:
            print(f"cchc sample --next: {exc}", file=sys.stderr)
            return EXIT_USAGE
        first = cfg.end - timedelta(days=args.next - 1)
        print(f"Sample extracts {first} .. {cfg.end} appended to {settings.landing_dir}.")
        return 0
    start = args.start or date.today() - timedelta(days=args.days - 1)
    cfg = SampleConfig(
        start=start,
        days=args.days,
        dossiers_per_day=args.dossiers_per_day,
        seed=args.seed,
        broken_share=args.broken_share,
        style=args.style,
    )
    files = generate(settings.landing_dir, cfg)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    save(cfg, settings.landing_dir, record)
    print(f"Sample extracts {cfg.start} .. {cfg.end} written to {settings.landing_dir}:")
    for source, count in files.items():
        print(f"  {source:<16} {count:>6} files")
    return 0


#: Exit codes (README): 0 published (or nothing new: the snapshot is current), 1 blocked or
#: failed (snapshot unchanged), 2 usage or configuration error (nothing ran), 3 refused:
#: another command is at work, 4 published but a warning check failed.
EXIT_PUBLISHED, EXIT_BLOCKED, EXIT_USAGE, EXIT_BUSY, EXIT_WARNED = 0, 1, 2, 3, 4
#: Skipped landing items listed in the run summary (audit.landing_items has every one).
SHOWN_ITEMS = 15


def _run(args: argparse.Namespace) -> int:
    from cchc.orchestration.changes import plan
    from cchc.orchestration.dbt_manifest import DBT_GLOBAL_FLAGS, dbt_vars
    from cchc.orchestration.runlock import exclusive
    from cchc.orchestration.warehouse import check_openable
    from cchc.orchestration.warm_dbt import start_warm_dbt

    settings = load_settings()
    with exclusive(settings.data_dir, "run"):
        check_openable(settings.warehouse)
        if not any(settings.landing_dir.glob("*/*/*")):
            print(
                f"The landing zone {settings.landing_dir} holds no extracts yet "
                "(`cchc sample` writes a sample); building from what is loaded."
            )
        # dbt's import and parse (≈ 5 s) on the other core while Dagster is imported and the
        # run prepared (≈ 8 s); the run's dbt resource finds it waiting (orchestration/warm_dbt.py)
        warm = start_warm_dbt(
            settings.dbt_target_dir,
            DBT_GLOBAL_FLAGS,
            dbt_vars(str(settings.warehouse), settings.duckdb_memory_limit),
        )
        try:
            todo = plan(settings, args.full_refresh)
            if todo.quiet_since and warm is not None:
                warm.close()  # a quiet night runs no dbt: stop its import now, not at the end
                warm = None
            from cchc.orchestration.pipeline import run

            outcome = run(settings, full_refresh=args.full_refresh, todo=todo)
        finally:
            if warm is not None:
                warm.close()
        items = _landing_items(settings)
    _alert(settings, outcome)
    return _summary(settings, outcome, items)


def _alert(settings, outcome) -> None:
    """Announce the run's new incidents; a broken mail server must not fail the run."""
    from cchc.orchestration.alerts import incidents, notify

    try:
        notify(
            settings.data_dir,
            incidents(outcome.report, run_failed=not outcome.success),
            outcome.run_id,
            settings.alerts,
        )
    except OSError as exc:
        print(f"Alert not sent ({type(exc).__name__}: {exc}); retried next run.", file=sys.stderr)


def _summary(settings, outcome, items: list[tuple[str, str, bool]]) -> int:
    """The one block a person reads at the end of a run; returns the exit code."""
    report = outcome.report
    loaded = ", ".join(f"{s} ({len(d)} days)" for s, d in outcome.changed.items())
    print(f"\nRun {outcome.run_id}")
    print(f"  loaded: {loaded or 'nothing new'}")
    for source, (ok, bad) in outcome.rows.items():
        print(f"    {source:<16} {ok:>11,} rows loaded, {bad:>7,} quarantined")
    print(
        f"  checks: {len(report.passed)} passed, {len(report.warned)} warned,"
        f" {len(report.blocked)} failed"
    )
    for check in report.warned:
        print(f"    warned: {check.name} {check.sample}".rstrip())
    if items:
        print(f"  landing items not loaded ({len(items)}; all in audit.landing_items):")
        for path, reason, blocking in items[:SHOWN_ITEMS]:
            print(f"    {'!' if blocking else '-'} {path}: {reason}")
    published = outcome.success and not report.blocked  # a quiet night has no publish step
    if published and outcome.quiet_since:
        print(
            f"  Nothing new since the publish of {outcome.quiet_since:%d/%m/%Y %H:%M}:"
            f" the snapshot is kept as it is ({settings.published}, data through"
            f" {_data_through(settings)})."
        )
        return EXIT_WARNED if report.warned else EXIT_PUBLISHED
    if published:
        through = _data_through(settings)
        print(f"  Published: {settings.published} (data through {through})")
        print(f"  report: {settings.published_dir / 'report' / 'index.html'}")
        return EXIT_WARNED if report.warned else EXIT_PUBLISHED
    if _published_by(settings, outcome.run_id):  # a step after the snapshot's switch failed
        print(f"  Published: {settings.published}, but the run failed after:", file=sys.stderr)
        for failure in outcome.failures:
            print(f"    - {failure}", file=sys.stderr)
        return EXIT_BLOCKED
    print("  Not published; the snapshot was left as it was. Failures:", file=sys.stderr)
    for failure in outcome.failures:
        print(f"    - {failure}", file=sys.stderr)
    print(
        "  Fix or re-deliver what failed, or let it through with `cchc accept <item> --by"
        " <name> --reason <why>`.",
        file=sys.stderr,
    )
    return EXIT_BLOCKED


def _published_by(settings, run_id: str) -> bool:
    """Whether run `run_id` switched the snapshot (its PostgreSQL copy may have failed)."""
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return bool(
            con.execute("select 1 from audit.publish_log where run_id = ?", [run_id]).fetchall()
        )


def _data_through(settings) -> str:
    import duckdb

    from cchc.orchestration.warehouse import one_row

    with duckdb.connect(str(settings.published), read_only=True) as con:
        (through,) = one_row(
            con, "select data_through from marts.publish_log order by published_at desc limit 1"
        )
    return f"{through:%d/%m/%Y}" if through else "—"


def _landing_items(settings) -> list[tuple[str, str, bool]]:
    """What the run's landing scan did not load, blocking items first."""
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "select path, reason, blocking from audit.landing_items order by not blocking, path"
        ).fetchall()


def _accept(args: argparse.Namespace) -> int:
    import duckdb

    from cchc.orchestration.runlock import exclusive
    from cchc.orchestration.warehouse import check_openable, ensure_schema
    from cchc.quality.gate import accept, blocked
    from cchc.sources.contracts import CONTRACTS

    settings = load_settings()
    sources = list(CONTRACTS)
    with exclusive(settings.data_dir, "accept"), duckdb.connect(str(settings.warehouse)) as con:
        check_openable(settings.warehouse)
        ensure_schema(con)
        ratio = settings.max_quarantine_ratio
        accepted = accept(con, args.item, args.by, args.reason, sources, ratio)
        if not accepted:
            print(f"cchc accept: nothing blocked matches {args.item!r}.", file=sys.stderr)
            for item in blocked(con, sources, ratio)[:SHOWN_ITEMS]:
                print(f"  blocked: {item}", file=sys.stderr)
            return EXIT_USAGE
    for item in accepted:
        print(f"Accepted {item} (by {args.by}: {args.reason}).")
    print("The next `cchc run` publishes if nothing else blocks; its publish log says so.")
    return EXIT_PUBLISHED


def _postgres_login(args: argparse.Namespace) -> int:
    from cchc.orchestration.publishing.postgres import create_login

    settings = load_settings()
    if not settings.postgres_url:
        print("cchc postgres-login: set CCHC_POSTGRES_URL first.", file=sys.stderr)
        return EXIT_USAGE
    agency = None if args.province else args.agency
    if agency is None and not args.province:
        print("cchc postgres-login: name an agency code, or --province.", file=sys.stderr)
        return EXIT_USAGE
    login = args.login or ("cchc_province_" if agency is None else "cchc_") + _role_name(agency)
    password = create_login(settings.postgres_url, agency, login, args.password)
    scope = "every row" if agency is None else f"the rows of {agency} and the units merged into it"
    print(f"Login {login} sees {scope}.")
    if not args.password:
        print(f"Password (shown once): {password}")
    return EXIT_PUBLISHED


def _role_name(agency: str | None) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", (agency or "all").lower()).strip("_")


def _instance(_: argparse.Namespace) -> int:
    from cchc.orchestration.instance import write_instance_config

    settings = load_settings()
    path = write_instance_config(settings)
    storage = "PostgreSQL" if settings.dagster_postgres_url else "SQLite"
    print(f"Dagster instance: {path} ({storage} storage, one run at a time)")
    return EXIT_PUBLISHED


def _rollback(args: argparse.Namespace) -> int:
    import duckdb

    from cchc.orchestration.publishing.postgres import sync_postgres
    from cchc.orchestration.publishing.snapshot import rollback
    from cchc.orchestration.runlock import exclusive
    from cchc.orchestration.warehouse import one_row

    settings = load_settings()
    with exclusive(settings.data_dir, "rollback"):
        try:
            snapshot = rollback(settings.published_dir, settings.published.name)
        except ValueError as exc:
            print(f"cchc rollback: {exc}", file=sys.stderr)
            return EXIT_USAGE
        note = f"rollback to {snapshot.name} by {args.by}: {args.reason}"
        with duckdb.connect(str(settings.warehouse)) as con:  # the history records it
            con.execute(f"attach '{snapshot / settings.published.name}' as rolled (read_only)")
            (run_id,) = one_row(
                con,
                "insert into audit.publish_log select now(), run_id, data_through,"
                " checks_passed, checks_failed, ? from (select * from rolled.marts.publish_log"
                " order by published_at desc limit 1) returning run_id",
                [note],
            )
            con.execute("detach rolled")  # the PostgreSQL copy opens that file on its own
            print(f"Rolled back: {settings.published} is now snapshot {snapshot.name} ({note}).")
            # BI tools on PostgreSQL go back too
            error = sync_postgres(con, settings.published, settings.postgres_url, run_id)
            if error:
                print(
                    f"cchc rollback: PostgreSQL still holds the later marts ({error}); the next"
                    " run publishes both again.",
                    file=sys.stderr,
                )
                return EXIT_BLOCKED
            if settings.postgres_url:
                print("PostgreSQL target rolled back too.")
    return EXIT_PUBLISHED


def _status(_: argparse.Namespace) -> int:
    from cchc.orchestration.status import status_lines

    print("\n".join(status_lines(load_settings())))
    return 0


def _checks(args: argparse.Namespace) -> int:
    from cchc.orchestration.checklist import catalogue, markdown

    print(markdown(catalogue(load_settings().block_on_skipped)), end="")
    return 0


def _contract(args: argparse.Namespace) -> int:
    from cchc.orchestration.contract import markdown

    print(markdown(), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Dagster flags single-run backfills as beta on every asset; say it once, in the docs.
    warnings.filterwarnings("ignore", message=".*is currently in beta.*")
    parser = argparse.ArgumentParser(prog="cchc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser(
        "sample",
        help="write realistic sample extracts to the landing zone",
        description="Write a deterministic, realistic sample of every source's extracts into "
        "the landing zone (replacing the sample's own day folders), or with --next append the "
        "following extract dates of the sample written before.",
    )
    sample.add_argument(
        "--start",
        type=date.fromisoformat,
        help="first extract date, YYYY-MM-DD (default: so that the last one is today)",
    )
    sample.add_argument(
        "--days", type=int, default=730, help="number of extract dates (default 730)"
    )
    sample.add_argument(
        "--dossiers-per-day",
        type=int,
        default=300,
        help="average dossiers received on a weekday, province-wide (default 300)",
    )
    sample.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="random seed: the same options always write the same bytes (default 2026)",
    )
    sample.add_argument(
        "--next",
        type=int,
        metavar="N",
        help="append the N extract dates after the last one written by `cchc sample`, "
        "consistent with it (new ids, new versions of open dossiers); other options are "
        "taken from that sample",
    )
    sample.add_argument(
        "--overwrite",
        action="store_true",
        help="with --next: replace day folders that already exist (refused otherwise)",
    )
    sample.add_argument(
        "--broken-share",
        type=float,
        default=0.002,
        help="share of deliberately broken rows (capped at 0.5%% of a file; default 0.002)",
    )
    sample.add_argument(
        "--style",
        choices=STYLES,
        help="write every file in this one export style instead of the realistic mix",
    )
    sample.set_defaults(func=_sample)
    checks = sub.add_parser(
        "checks", help="list every check of the nightly run: blocking or warning (Markdown)"
    )
    checks.set_defaults(func=_checks)
    contract = sub.add_parser(
        "contract", help="the landing-zone and mart contract, from the code (Markdown)"
    )
    contract.set_defaults(func=_contract)
    run = sub.add_parser("run", help="load new extracts, build, check and publish")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental models from all loaded rows (once after a model change)",
    )
    run.set_defaults(func=_run)
    sub.add_parser("status", help="publish log and per-source freshness").set_defaults(func=_status)
    accept = sub.add_parser(
        "accept",
        help="let a blocked item through the gate (recorded with who and why)",
        description="Accept what the gate blocks: a landing item (path relative to the "
        "landing zone) or a source-day over the quarantine ratio (e.g. dossiers/2026-02-15); "
        "shell patterns such as 'dossiers/2025-*' accept every match. An accepted item that "
        "changes later is judged anew.",
    )
    accept.add_argument("item", help="path, source/day, or a shell pattern of them")
    accept.add_argument("--by", required=True, help="who accepts (shown in the publish log)")
    accept.add_argument("--reason", required=True, help="why it may be published")
    accept.set_defaults(func=_accept)
    pg_login = sub.add_parser(
        "postgres-login",
        help="create a PostgreSQL login for an agency (or the province) on CCHC_POSTGRES_URL",
        description="Creates (or resets) a login on the PostgreSQL publish target that sees "
        "only an agency's rows and those of the units merged into it; --province sees all.",
    )
    pg_login.add_argument("agency", nargs="?", help="agency code, e.g. H31.02")
    pg_login.add_argument("--province", action="store_true", help="a login that sees every row")
    pg_login.add_argument("--login", help="login name (default: cchc_<agency code>)")
    pg_login.add_argument("--password", help="password (default: a generated one, shown once)")
    pg_login.set_defaults(func=_postgres_login)
    sub.add_parser(
        "instance", help="write $DAGSTER_HOME/dagster.yaml (PostgreSQL if configured)"
    ).set_defaults(func=_instance)
    back = sub.add_parser(
        "rollback",
        help="make the previous published snapshot current again (recorded in the log)",
    )
    back.add_argument("--by", required=True, help="who rolls back")
    back.add_argument("--reason", required=True, help="why")
    back.set_defaults(func=_rollback)
    args = parser.parse_args(argv)
    from cchc.orchestration.runlock import Busy
    from cchc.orchestration.settings import ConfigError
    from cchc.orchestration.warehouse import BrokenWarehouse

    try:
        return args.func(args)
    except (ConfigError, BrokenWarehouse) as exc:
        print(f"cchc {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Busy as exc:
        print(f"cchc {args.command}: {exc}", file=sys.stderr)
        return EXIT_BUSY


def entry() -> NoReturn:
    """The `cchc` command: `main`, then leave without tearing the interpreter down.

    When a command returns, its files and databases are closed and the Dagster event log is
    committed. What is left is Python's own teardown of the modules and objects of Dagster,
    dbt and GX, ≈ 2 s of CPU after every run that nobody needs: the exit handlers still run
    (log handlers flushed, temporary files removed), the rest is skipped."""
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
