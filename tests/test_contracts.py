"""Every column of the landing-zone contract exists in its source contract, with its type and
required flag (a hand-kept transcription: a change to a contract must be deliberate)."""

import pytest

from cchc.sources.contracts import CONTRACTS
from cchc.sources.text import fold

# (source, column, kind, required) as the province agreed them with the source systems.
AGREED_COLUMNS = {
    "agencies": [
        ("agency_code", "text", True),
        ("agency_name", "text", True),
        ("agency_level", "enum", True),
        ("agency_type", "text", False),
        ("valid_from", "date", True),
        ("valid_to", "date", False),
        ("successor_code", "text", False),
        ("updated_at", "datetime", True),
    ],
    "procedures": [
        ("procedure_code", "text", True),
        ("procedure_name", "text", True),
        ("level", "enum", True),
        ("online_level", "enum", True),
        ("has_fee", "bool", False),
        ("is_business", "bool", False),
        ("full_online_eligible", "bool", False),
        ("online_payment_enabled", "bool", False),
        ("cross_boundary", "bool", False),
        ("updated_at", "datetime", True),
    ],
    "dossiers": [
        ("dossier_id", "text", True),
        ("procedure_code", "text", True),
        ("agency_code", "text", True),
        ("channel", "enum", True),
        ("applicant_id", "text", False),
        ("applicant_name", "text", False),
        ("received_at", "datetime", True),
        ("due_at", "datetime", True),
        ("completed_at", "datetime", False),
        ("status", "enum", True),
        ("is_digitized", "bool", False),
        ("result_digitized", "bool", False),
        ("fee_amount", "amount", False),
        ("payment_method", "enum", False),
        ("apology_issued", "bool", False),
        ("rating", "enum", False),
        ("synced_at", "datetime", False),
        ("vneid_authenticated", "bool", False),
        ("updated_at", "datetime", True),
    ],
    "documents": [
        ("document_id", "text", True),
        ("agency_code", "text", True),
        ("issued_at", "datetime", True),
        ("doc_type", "text", False),
        ("is_secret", "bool", True),
        ("is_electronic", "bool", True),
        ("leader_signed", "bool", True),
        ("agency_signed", "bool", True),
        ("updated_at", "datetime", True),
    ],
    "staffing": [
        ("agency_code", "text", True),
        ("snapshot_date", "date", True),
        ("staff_category", "enum", True),
        ("quota", "int", False),
        ("headcount", "int", True),
        ("updated_at", "datetime", True),
    ],
    "investment_plan": [
        ("project_code", "text", True),
        ("project_name", "text", True),
        ("investor_code", "text", True),
        ("capital_source", "enum", False),
        ("plan_year", "int", True),
        ("plan_amount", "amount", True),
        ("decision_date", "date", True),
    ],
    "work_records": [
        ("record_id", "text", True),
        ("agency_code", "text", True),
        ("opened_at", "datetime", True),
        ("is_secret", "bool", True),
        ("processed_online", "bool", True),
        ("updated_at", "datetime", True),
    ],
    "surveys": [
        ("survey_id", "text", True),
        ("agency_code", "text", True),
        ("sector", "enum", True),
        ("surveyed_at", "date", True),
        ("respondents", "int", True),
        ("satisfied", "int", True),
        ("updated_at", "datetime", True),
    ],
    "payments": [
        ("payment_id", "text", True),
        ("project_code", "text", True),
        ("plan_year", "int", True),
        ("capital_source", "enum", False),
        ("paid_at", "date", True),
        ("amount", "amount", True),
        ("updated_at", "datetime", True),
    ],
}


def test_every_spec_source_has_a_contract():
    assert set(CONTRACTS) == set(AGREED_COLUMNS)


@pytest.mark.parametrize("source", sorted(AGREED_COLUMNS))
def test_contract_columns_match_spec(source):
    contract = CONTRACTS[source]
    got = [(c.name, c.kind, c.required) for c in contract.columns]
    assert got == AGREED_COLUMNS[source]


@pytest.mark.parametrize(
    ("source", "header", "column"),
    [
        ("dossiers", "Mã hồ sơ", "dossier_id"),
        ("dossiers", "MA HO SO", "dossier_id"),
        ("dossiers", "ma_ho_so", "dossier_id"),
        ("dossiers", "  Hạn trả kết quả ", "due_at"),
        ("dossiers", "Số hoá hồ sơ", "is_digitized"),
        ("agencies", "Mã đơn vị kế thừa", "successor_code"),
        ("investment_plan", "Kế hoạch vốn được giao", "plan_amount"),
        ("staffing", "Biên chế được giao", "quota"),
        ("documents", "Chữ ký số lãnh đạo", "leader_signed"),
    ],
)
def test_vietnamese_headers_resolve(source, header, column):
    assert fold(header) in CONTRACTS[source].column(column).header_keys()


@pytest.mark.parametrize(
    ("source", "column", "label", "canonical"),
    [
        ("agencies", "agency_level", "Huyện", "district"),
        ("procedures", "online_level", "TOAN TRINH", "full"),
        ("dossiers", "channel", "Bưu chính công ích", "postal"),
        ("dossiers", "payment_method", "chuyen khoan", "transfer"),
        ("dossiers", "rating", "Rất hài lòng", "very_satisfied"),
        ("staffing", "staff_category", "Viên chức", "public_employee"),
        ("payments", "capital_source", "NSĐP", "local"),
        ("payments", "capital_source", "nstw", "central"),
    ],
)
def test_enum_labels_resolve(source, column, label, canonical):
    assert CONTRACTS[source].column(column).enum_lookup()[fold(label)] == canonical
