"""Dagster definitions, resources and the `cchc` command line for the CCHC warehouse."""
