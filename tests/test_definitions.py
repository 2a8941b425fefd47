"""The whole Definitions object loads: catches broken wiring before any run."""

import dagster as dg

from orchestration.definitions import JOB_NAME, build_definitions
from orchestration.settings import load_settings


def test_definitions_load():
    defs = build_definitions(load_settings())
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/dossiers", "raw/agencies", "raw/payments"} <= keys
    assert defs.resolve_job_def(JOB_NAME)
    assert defs.resolve_sensor_def("landing_sensor")
    dg.Definitions.validate_loadable(defs)
