"""`cchc`: a thin command line over the Dagster definitions (SPEC §6)."""

from __future__ import annotations

import argparse
import sys
import warnings
from datetime import date, timedelta

from orchestration.settings import load_settings
from sources.sample.writers import STYLES


def _sample(args: argparse.Namespace) -> int:
    from sources.sample import SampleConfig, generate

    settings = load_settings()
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
    print(f"Sample extracts {cfg.start} .. {cfg.end} written to {settings.landing_dir}:")
    for source, count in files.items():
        print(f"  {source:<16} {count:>6} files")
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.pipeline import run

    settings = load_settings()
    if not any(settings.landing_dir.glob("*/*/*")):
        print(
            f"The landing zone {settings.landing_dir} holds no extracts yet "
            "(`cchc sample` writes a sample); building from what is loaded."
        )
    try:
        outcome = run(settings, full_refresh=args.full_refresh)
    except ValueError as exc:  # a landing folder the pipeline cannot take; nothing was run
        print(f"cchc run: {exc}", file=sys.stderr)
        return 2
    loaded = ", ".join(f"{s} ({len(d)} days)" for s, d in outcome.changed.items()) or "nothing new"
    print(f"Run {outcome.run_id}: loaded {loaded}.")
    if outcome.success:
        print("Published.")
        return 0
    print("Run failed; the published snapshot was left as it was. Failures:", file=sys.stderr)
    for failure in outcome.failures:
        print(f"  - {failure}", file=sys.stderr)
    return 1


def _status(_: argparse.Namespace) -> int:
    from orchestration.status import status_lines

    print("\n".join(status_lines(load_settings())))
    return 0


def main(argv: list[str] | None = None) -> int:
    # Dagster flags single-run backfills as beta on every asset; say it once, in the docs.
    warnings.filterwarnings("ignore", message=".*is currently in beta.*")
    parser = argparse.ArgumentParser(prog="cchc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write realistic sample extracts to the landing zone")
    sample.add_argument("--start", type=date.fromisoformat, help="first extract date")
    sample.add_argument("--days", type=int, default=730)
    sample.add_argument("--dossiers-per-day", type=int, default=300)
    sample.add_argument("--seed", type=int, default=2026)
    sample.add_argument(
        "--broken-share",
        type=float,
        default=0.002,
        help="share of deliberately broken rows (capped at 0.5%% of a file)",
    )
    sample.add_argument(
        "--style",
        choices=STYLES,
        help="write every file in this one export style instead of the realistic mix",
    )
    sample.set_defaults(func=_sample)
    run = sub.add_parser("run", help="load new extracts, build, check and publish")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental models from all loaded rows (once after a model change)",
    )
    run.set_defaults(func=_run)
    sub.add_parser("status", help="publish log and per-source freshness").set_defaults(func=_status)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
