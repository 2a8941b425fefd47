"""The name lists of the sample generator, kept as data in `names.json` (next to this file)
so that editing a name never means editing code. Read once, on first use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ProcedureField:
    field: str
    level: str  # "province" or "commune": who receives the field's dossiers
    procedures: tuple[str, ...]


@dataclass(frozen=True)
class SampleNames:
    province_departments: tuple[str, ...]
    #: Departments merged on 1 March 2025: (name, the department it merged into).
    merged_departments: tuple[tuple[str, str], ...]
    #: Districts abolished on 1 July 2025: (name, code prefix of their province).
    old_districts: tuple[tuple[str, str], ...]
    wards: tuple[str, ...]
    commune_stems: tuple[str, ...]
    procedure_fields: tuple[ProcedureField, ...]
    procedure_suffixes: tuple[str, ...]
    surnames: tuple[str, ...]
    middle_names: tuple[str, ...]
    given_names: tuple[str, ...]


@cache
def names() -> SampleNames:
    data = json.loads(Path(__file__).with_name("names.json").read_text(encoding="utf-8"))
    return SampleNames(
        province_departments=tuple(data["province_departments"]),
        merged_departments=tuple((d["name"], d["successor"]) for d in data["merged_departments"]),
        old_districts=tuple((d["name"], d["code_prefix"]) for d in data["old_districts"]),
        wards=tuple(data["wards"]),
        commune_stems=tuple(data["commune_stems"]),
        procedure_fields=tuple(
            ProcedureField(f["field"], f["level"], tuple(f["procedures"]))
            for f in data["procedure_fields"]
        ),
        procedure_suffixes=tuple(data["procedure_suffixes"]),
        surnames=tuple(data["surnames"]),
        middle_names=tuple(data["middle_names"]),
        given_names=tuple(data["given_names"]),
    )
