"""Realistic, deterministic sample extracts for every landing-zone source (`cchc sample`)."""

from cchc.sources.sample.generate import SampleConfig, extend, generate, save

__all__ = ["SampleConfig", "extend", "generate", "save"]
