"""Names the Dagster definitions share. (The province's time zone, used by the readers as
well, is `cchc.sources.contracts.LOCAL_TZ`.)"""

#: Owner of every asset, as the UI shows it.
OWNERS = ["team:cchc-data"]
#: Run tag (value "true") that makes `dbt build` rebuild incremental models from scratch.
FULL_REFRESH_TAG = "cchc/dbt-full-refresh"
