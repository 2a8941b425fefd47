"""Realistic, deterministic sample extracts for every landing-zone source (`cchc sample`)."""

from sources.sample.generate import SampleConfig, generate

__all__ = ["SampleConfig", "generate"]
