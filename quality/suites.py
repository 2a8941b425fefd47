"""Great Expectations suites over the warehouse, as code.

Each suite validates one query in DuckDB and is attached to one Dagster asset as one asset
check; a suite is wholly blocking (a failure stops publishing) or a warning. Expectations
are built lazily so that loading the Dagster definitions does not import GX (≈5 s).

Who owns which rule, each rule in one place: GX owns what a person must see samples of —
staging ids, code resolution, successor chains, date order and amounts of the sources,
every published rate within [0, 1] (which month, which agency or project), reconciliation
of mart counts with staged counts, scorecard statuses. dbt owns the shape of the marts —
grain (unique / not null keys), accepted values and non-negative counts in one `shape` test
per model, relationships — and the rules of one model's own logic (the service index's
points, the forecast's interval).
docs/checks.md lists every check with its owner.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cchc.orchestration.dbt_manifest import DBT_PROJECT_DIR


@dataclass(frozen=True)
class Suite:
    name: str
    asset: tuple[str, ...]
    query: str
    blocking: bool
    description: str
    expectations: Callable[[Any, float], list]  # (gx.expectations module, max ratio) → list

    @property
    def check_name(self) -> str:
        return self.name

    @property
    def problems_only(self) -> bool:
        """The query returns only rows in breach (none when all is well)."""
        return isinstance(self.expectations, NoRows)


#: The newest build published: every blocking check had passed on the rows it had written
#: and on all before it (-1 before the first publish). See dbt macros/build_number.sql.
PUBLISHED_BUILD = (
    "(select coalesce(max(build_no), -1) from audit.dbt_builds where published_at is not null)"
)


#: The rows of an incremental staging model written since the last publish (rows written
#: before builds were numbered count as build 0).
WRITTEN_SINCE_PUBLISH = f"coalesce(_build_no, 0) > {PUBLISHED_BUILD}"
#: How a `since_publish` key check says what it reads.
SINCE_PUBLISH = " Reads the rows written since the last publish, with every row sharing their ids."


def _key_problems(
    table: str, key: str, required: tuple[str, ...] = (), since_publish: bool = False
) -> str:
    """One row per problem with `table`'s key, none when all is well: a key held by more
    than one row (with how many), or a row missing its key or a required column (naming
    which).

    `since_publish` (the incremental staging models, whose rows carry the build that wrote
    them): only the rows written since the last publish, and the keys they hold across the
    whole table — a duplicate needs a row written since, the rows before were all checked
    when their snapshot was published, and until a snapshot is published again the rows
    stay in scope, so a key found duplicated blocks every night until it is fixed. A
    nightly's few thousand keys take ≈ 0.03 s against 10 M dossiers, not ≈ 2 s. When every
    row is newer than the last publish (the first build, a full refresh) the whole table is
    grouped once instead of probed key by key."""
    columns = (key, *required)
    missing = ", ".join(f"case when {c} is null then '{c}' end" for c in columns)
    newer = WRITTEN_SINCE_PUBLISH if since_publish else "true"
    return f"""
select * from (
with checked as not materialized (  -- read three times: never copy the table
    select * from {table} where {newer}
),
all_checked as (
    select count(*) = (select count(*) from checked) as yes from {table}
),
duplicated as (
    select {key}, count(*) as copies from {table}
    where {key} is not null and (select yes from all_checked)
    group by {key} having count(*) > 1
    union all
    select {key}, count(*) from {table}
    where {key} in (select {key} from checked where not (select yes from all_checked))
    group by {key} having count(*) > 1
)
select cast({key} as varchar) || ': ' || copies || ' rows' as key_problem from duplicated
union all
select coalesce(cast({key} as varchar), 'a row') || ': ' || concat_ws(', ', {missing})
    || ' missing'
from checked
where {" or ".join(f"{c} is null" for c in columns)}
) as problems
"""


def _rates(columns: tuple[str, ...]) -> Callable[[Any, float], list]:
    return lambda e, _r: [
        e.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1) for c in columns
    ]


def _non_negative(columns: tuple[str, ...]) -> Callable[[Any, float], list]:
    return lambda e, _r: [e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in columns]


def _pairs_equal(pairs: tuple[tuple[str, str], ...]) -> Callable[[Any, float], list]:
    return lambda e, _r: [
        e.ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b) for a, b in pairs
    ]


@dataclass(frozen=True)
class NoRows:
    """The expectation of a query returning only the rows in breach (an unresolved code
    with the row citing it, a duplicated key…): `column` is null on every row, i.e. there
    are none, and those there are show up as samples in the check and the run summary."""

    column: str

    def __call__(self, e: Any, _ratio: float) -> list:
        return [e.ExpectColumnValuesToBeNull(column=self.column)]


#: One row per agency whose successor chain is broken (GX wants a query that starts with
#: SELECT, hence the wrapper), saying how (the GX sample shows the
#: codes): an unknown successor, a self-successor, or a cycle (A → B → A). The roll-up in
#: int_agencies_rolled_up would otherwise stop wherever its depth limit lands.
SUCCESSOR_PROBLEMS = """
select * from (
with recursive agencies as (
    select agency_code, successor_code from staging.stg_agencies
),
walk (start_code, reached_code, path, depth) as (
    select agency_code, successor_code, agency_code || ' → ' || successor_code, 1
    from agencies where successor_code is not null
    union all
    select walk.start_code, agencies.successor_code,
        walk.path || ' → ' || agencies.successor_code, walk.depth + 1
    from walk inner join agencies on agencies.agency_code = walk.reached_code
    where agencies.successor_code is not null
        and walk.reached_code <> walk.start_code and walk.depth < 50
)
select agency_code, agency_code || ': successor ' || successor_code || ' is not a known agency'
    as successor_problem
from agencies
where successor_code is not null
    and successor_code not in (select agency_code from agencies)
union all
select agency_code, agency_code || ': is its own successor'
from agencies where successor_code = agency_code
union all
select start_code, start_code || ': successor cycle ' || min(path)
from walk where reached_code = start_code and depth > 1
group by start_code
) as problems
"""


def registry_codes() -> list[str]:
    """Indicator codes of the registry (dbt seed `indicators`, published as dim_indicator)."""
    with (DBT_PROJECT_DIR / "seeds" / "indicators.csv").open(encoding="utf-8") as seed:
        return [row["indicator_code"] for row in csv.DictReader(seed)]


def _stg(name: str) -> tuple[str, str]:
    return ("staging", name)


def _mart(name: str) -> tuple[str, str]:
    return ("marts", name)


DOSSIER_RATES = (
    "online_rate",
    "full_online_rate",
    "on_time_rate",
    "apology_rate",
    "digitization_rate",
    "result_digitization_rate",
    "online_payment_rate",
    "satisfaction_rate",
    "sync_rate",
    "vneid_rate",
)
DOSSIER_COUNTS = (
    "received_count",
    "online_eligible_count",
    "online_count",
    "completed_count",
    "on_time_count",
    "late_count",
    "fee_dossier_count",
    "rated_count",
    "synced_count",
    "online_received_count",
    "vneid_count",
)

SUITES: list[Suite] = [
    Suite(
        name="ids",
        asset=_stg("stg_agencies"),
        query=_key_problems("staging.stg_agencies", "agency_code"),
        blocking=True,
        description="Agency codes unique and present.",
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="successor_chains",
        asset=_stg("stg_agencies"),
        query=SUCCESSOR_PROBLEMS,
        blocking=True,
        description="Successor codes name a known agency, never the agency itself, and never loop.",
        expectations=NoRows("successor_problem"),
    ),
    Suite(
        name="ids",
        asset=_stg("stg_procedures"),
        query=_key_problems("staging.stg_procedures", "procedure_code"),
        blocking=True,
        description="Procedure codes unique and present.",
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="ids",
        asset=_stg("stg_dossiers"),
        query=_key_problems(
            "staging.stg_dossiers",
            "dossier_id",
            ("procedure_code", "agency_code", "received_at", "due_at", "status"),
            since_publish=True,
        ),
        blocking=True,
        description="Dossier ids unique; required fields present." + SINCE_PUBLISH,
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="date_order_and_amounts",
        asset=_stg("stg_dossiers"),
        # a rule of each row on its own: the rows written since the last publish
        query=f"select * from staging.stg_dossiers where {WRITTEN_SINCE_PUBLISH}",
        blocking=True,
        description="completed_at ≥ received_at; fees non-negative. Reads the rows written since"
        " the last publish.",
        expectations=lambda e, _r: [
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="completed_at",
                column_B="received_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            e.ExpectColumnValuesToBeBetween(column="fee_amount", min_value=0),
        ],
    ),
    Suite(
        name="agency_codes_resolve",
        asset=_stg("stg_dossiers"),
        query="select d.agency_code || ' (dossier ' || d.dossier_id || ')'"
        " as unresolved_agency_code"
        " from staging.stg_dossiers d anti join staging.stg_agencies a using (agency_code)",
        blocking=True,
        description="Every dossier's agency code is a known agency.",
        expectations=NoRows("unresolved_agency_code"),
    ),
    Suite(
        name="procedure_codes_resolve",
        asset=_stg("stg_dossiers"),
        query="select d.procedure_code || ' (dossier ' || d.dossier_id || ')'"
        " as unresolved_procedure_code"
        " from staging.stg_dossiers d anti join staging.stg_procedures p using (procedure_code)",
        blocking=True,
        description="Every dossier's procedure code is a known procedure.",
        expectations=NoRows("unresolved_procedure_code"),
    ),
    Suite(
        name="ids",
        asset=_stg("stg_documents"),
        query=_key_problems(
            "staging.stg_documents", "document_id", ("agency_code", "issued_at"), since_publish=True
        ),
        blocking=True,
        description="Document ids unique; agency present." + SINCE_PUBLISH,
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="agency_codes_resolve",
        asset=_stg("stg_documents"),
        query="select d.agency_code || ' (document ' || d.document_id || ')'"
        " as unresolved_agency_code"
        " from staging.stg_documents d anti join staging.stg_agencies a using (agency_code)",
        blocking=True,
        description="Every document's agency code is a known agency.",
        expectations=NoRows("unresolved_agency_code"),
    ),
    Suite(
        name="counts",
        asset=_stg("stg_staffing"),
        query="select * from staging.stg_staffing",
        blocking=True,
        description="Quotas and headcounts are non-negative.",
        expectations=_non_negative(("quota", "headcount")),
    ),
    Suite(
        name="amounts",
        asset=_stg("stg_investment_plan"),
        query="select * from staging.stg_investment_plan",
        blocking=True,
        description="Plan amounts are non-negative.",
        expectations=_non_negative(("plan_amount",)),
    ),
    Suite(
        name="ids",
        asset=_stg("stg_payments"),
        query=_key_problems(
            "staging.stg_payments",
            "payment_id",
            ("project_code", "paid_at", "plan_year"),
            since_publish=True,
        ),
        blocking=True,
        description="Payment ids unique; project and date present." + SINCE_PUBLISH,
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="ids",
        asset=_stg("stg_work_records"),
        query=_key_problems(
            "staging.stg_work_records",
            "record_id",
            ("agency_code", "opened_at"),
            since_publish=True,
        ),
        blocking=True,
        description="Work record ids unique; agency and date present." + SINCE_PUBLISH,
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="agency_codes_resolve",
        asset=_stg("stg_work_records"),
        query="select w.agency_code || ' (work record ' || w.record_id || ')'"
        " as unresolved_agency_code"
        " from staging.stg_work_records w anti join staging.stg_agencies a using (agency_code)",
        blocking=True,
        description="Every work record's agency code is a known agency.",
        expectations=NoRows("unresolved_agency_code"),
    ),
    Suite(
        name="counts",
        asset=_stg("stg_surveys"),
        query="select * from staging.stg_surveys",
        blocking=True,
        description="Questionnaire counts non-negative, satisfied ≤ respondents.",
        expectations=lambda e, r: [
            *_non_negative(("respondents", "satisfied"))(e, r),
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="respondents", column_B="satisfied", or_equal=True
            ),
        ],
    ),
    Suite(
        name="agency_codes_resolve",
        asset=_stg("stg_surveys"),
        query="select s.agency_code || ' (survey ' || s.survey_id || ')' as unresolved_agency_code"
        " from staging.stg_surveys s anti join staging.stg_agencies a using (agency_code)",
        blocking=True,
        description="Every survey row's agency code is a known agency.",
        expectations=NoRows("unresolved_agency_code"),
    ),
    Suite(
        name="ids",
        asset=_mart("dim_agency"),
        query=_key_problems("marts.dim_agency", "agency_code", ("current_agency_code",)),
        blocking=True,
        description="One row per agency code; every unit maps to a current unit.",
        expectations=NoRows("key_problem"),
    ),
    Suite(
        name="rates_and_counts",
        asset=_mart("fct_dossier_monthly"),
        query="select * from marts.fct_dossier_monthly",
        blocking=True,
        description="Rates in [0, 1]; counts non-negative.",
        expectations=lambda e, r: _rates(DOSSIER_RATES)(e, r) + _non_negative(DOSSIER_COUNTS)(e, r),
    ),
    Suite(
        name="reconciliation",
        asset=_mart("fct_dossier_monthly"),
        query="select"
        " (select count(*) from staging.stg_dossiers"
        "   where status not in ('withdrawn', 'cancelled')) as staged_received,"
        " (select coalesce(sum(received_count), 0) from marts.fct_dossier_monthly)"
        "   as mart_received,"
        " (select count(*) from staging.stg_dossiers where completed_at is not null"
        "   and status not in ('withdrawn', 'cancelled')) as staged_completed,"
        " (select coalesce(sum(completed_count), 0) from marts.fct_dossier_monthly)"
        "   as mart_completed",
        blocking=True,
        description="Mart dossier counts equal staged counts.",
        expectations=_pairs_equal(
            (("staged_received", "mart_received"), ("staged_completed", "mart_completed"))
        ),
    ),
    Suite(
        name="rates",
        asset=_mart("fct_signed_document_monthly"),
        query="select * from marts.fct_signed_document_monthly",
        blocking=True,
        description="Signed-document rate in [0, 1].",
        expectations=_rates(("signed_document_rate",)),
    ),
    Suite(
        name="reconciliation",
        asset=_mart("fct_signed_document_monthly"),
        query="select (select count(*) from staging.stg_documents where not is_secret) as staged,"
        " (select coalesce(sum(document_count), 0)"
        "  from marts.fct_signed_document_monthly) as mart",
        blocking=True,
        description="Mart document counts equal staged non-secret documents.",
        expectations=_pairs_equal((("staged", "mart"),)),
    ),
    Suite(
        name="rates",
        asset=_mart("fct_procedure_coverage_monthly"),
        query="select * from marts.fct_procedure_coverage_monthly",
        blocking=True,
        description="Procedure coverage rates in [0, 1].",
        expectations=_rates(
            ("full_online_coverage_rate", "online_payment_coverage_rate", "cross_boundary_rate")
        ),
    ),
    Suite(
        name="rates",
        asset=_mart("fct_work_record_monthly"),
        query="select * from marts.fct_work_record_monthly",
        blocking=True,
        description="Work-record online rate in [0, 1].",
        expectations=_rates(("online_rate",)),
    ),
    Suite(
        name="reconciliation",
        asset=_mart("fct_work_record_monthly"),
        query="select (select count(*) from staging.stg_work_records where not is_secret)"
        " as staged,"
        " (select coalesce(sum(record_count), 0) from marts.fct_work_record_monthly) as mart",
        blocking=True,
        description="Mart work-record counts equal staged non-secret records.",
        expectations=_pairs_equal((("staged", "mart"),)),
    ),
    Suite(
        name="rates",
        asset=_mart("fct_survey_monthly"),
        query="select * from marts.fct_survey_monthly",
        blocking=True,
        description="Survey satisfaction rate in [0, 1].",
        expectations=_rates(("satisfaction_rate",)),
    ),
    Suite(
        name="rates",
        asset=_mart("fct_service_index_monthly"),
        query="select * from marts.fct_service_index_monthly",
        blocking=True,
        description="Every sub-indicator's value in [0, 1].",
        expectations=_rates(("value",)),
    ),
    Suite(
        name="reconciliation",
        asset=_mart("fct_survey_monthly"),
        query="select (select coalesce(sum(respondents), 0) from staging.stg_surveys) as staged,"
        " (select coalesce(sum(respondents), 0) from marts.fct_survey_monthly) as mart",
        blocking=True,
        description="Mart survey respondents equal staged respondents.",
        expectations=_pairs_equal((("staged", "mart"),)),
    ),
    Suite(
        name="counts",
        asset=_mart("fct_headcount_reduction"),
        query="select * from marts.fct_headcount_reduction",
        blocking=True,
        description="Quotas and headcounts non-negative.",
        expectations=_non_negative(("quota", "headcount")),
    ),
    Suite(
        name="amounts",
        asset=_mart("fct_disbursement_monthly"),
        query="select * from marts.fct_disbursement_monthly",
        blocking=True,
        description="Plan amounts non-negative.",
        expectations=_non_negative(("plan_amount",)),
    ),
    Suite(
        name="rate_range",
        asset=_mart("fct_disbursement_monthly"),
        query="select * from marts.fct_disbursement_monthly",
        blocking=False,
        description="Disbursement above plan or net refunds: worth a look, not a blocker.",
        expectations=_rates(("disbursement_rate",)),
    ),
    Suite(
        name="statuses",
        asset=_mart("indicator_scorecard"),
        query="select * from marts.indicator_scorecard",
        blocking=True,
        description="Every row is an indicator of the registry with a known status.",
        expectations=lambda e, _r: [
            e.ExpectColumnValuesToBeInSet(column="indicator_code", value_set=registry_codes()),
            e.ExpectColumnValuesToBeInSet(
                column="status", value_set=["met", "not_met", "no_data", "no_target"]
            ),
        ],
    ),
]
