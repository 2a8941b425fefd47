"""Parsing rules of the landing-zone contract (docs/contract.md), each with a known answer."""

import codecs
import json
from datetime import date, datetime

import polars as pl
import pytest
import xlsxwriter

from cchc.sources.contracts import CONTRACTS
from cchc.sources.readers.errors import ExtractError
from cchc.sources.readers.files import read_file, read_text
from cchc.sources.readers.rows import parse_rows
from cchc.sources.sample.writers import STYLES, encode_cp1258
from tests.landing_files import drop

DOSSIERS = CONTRACTS["dossiers"]
HEADER = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Mã đơn vị tiếp nhận",
    "Hình thức nộp",
    "Tên người nộp",
    "Ngày tiếp nhận",
    "Hạn trả kết quả",
    "Ngày có kết quả",
    "Trạng thái",
    "Phí, lệ phí",
    "Số hóa hồ sơ",
    "Ngày cập nhật",
]
ROW = [
    "HS-1",
    "1.000001",
    "H31.101",
    "Trực tuyến",
    "Nguyễn Thị Ngọc Hạnh",
    "05/01/2026 08:30",
    "10/01/2026",
    "09/01/2026 16:00:05",
    "Đã có kết quả",
    "1.234.567",
    "x",
    "09/01/2026",
]


def _csv(rows: list[list[str]]) -> str:
    def cell(x: str) -> str:
        return f'"{x}"' if "," in x else x

    return "\r\n".join(",".join(cell(x) for x in r) for r in rows) + "\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        encode_cp1258,
    ],
    ids=["utf8", "utf8-bom", "utf16", "windows-1258"],
)
def test_encodings_give_identical_rows(tmp_path, encode):
    path = tmp_path / "hs.csv"
    path.write_bytes(encode(_csv([HEADER, ROW])))
    parsed = read_file(path, DOSSIERS)
    assert parsed.quarantined.height == 0
    row = parsed.valid.row(0, named=True)
    assert row["applicant_name"] == "Nguyễn Thị Ngọc Hạnh"  # NFC whatever the encoding
    assert row["channel"] == "online"
    assert row["status"] == "completed"
    assert row["received_at"] == datetime(2026, 1, 5, 8, 30)
    assert row["due_at"] == datetime(2026, 1, 10)
    assert row["completed_at"] == datetime(2026, 1, 9, 16, 0, 5)
    assert row["fee_amount"] == 1_234_567
    assert row["is_digitized"] is True


def test_headers_without_diacritics_and_extra_columns(tmp_path):
    header = [
        "MA HO SO",
        "ma_tthc",
        "Ma don vi tiep nhan",
        "HINH THUC NOP",
        "NGAY TIEP NHAN",
        "han tra ket qua",
        "TRANG THAI",
        "Ngày cập nhật",
        "Ghi chú",
    ]
    path = tmp_path / "hs.csv"
    path.write_text(
        _csv(
            [
                header,
                [
                    "A",
                    "P",
                    "H31.01",
                    "truc tiep",
                    "2026-01-05",
                    "2026-01-06",
                    "dang xu ly",
                    "2026-01-05",
                    "gấp",
                ],
            ]
        )
    )
    parsed = read_file(path, DOSSIERS)
    row = parsed.valid.row(0, named=True)
    assert (row["channel"], row["status"]) == ("in_person", "processing")
    assert json.loads(row["_extra"]) == {"Ghi chú": "gấp"}


def test_missing_required_column_names_file_and_column(tmp_path):
    path = tmp_path / "hs.csv"
    path.write_text(_csv([[h for h in HEADER if h != "Hạn trả kết quả"], ROW[:6] + ROW[7:]]))
    with pytest.raises(ExtractError, match=r"hs\.csv.*due_at \(Hạn trả kết quả\)"):
        read_file(path, DOSSIERS)


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(ExtractError, match=r"broken\.xlsx: cannot read file"):
        read_file(path, DOSSIERS)


def test_xlsx_typed_cells(tmp_path):
    path = tmp_path / "hs.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for j, h in enumerate(HEADER):
        sheet.write_string(0, j, h)
    for j, v in enumerate(ROW):
        if j in (5, 6, 7, 11):
            day = {5: 5, 6: 10, 7: 9, 11: 9}[j]
            sheet.write_datetime(1, j, datetime(2026, 1, day, 9, 15), fmt)
        elif j == 9:
            sheet.write_number(1, j, 1234567)
        else:
            sheet.write_string(1, j, v)
    book.close()
    parsed = read_file(path, DOSSIERS)
    assert parsed.quarantined.height == 0, parsed.quarantined.to_dicts()
    row = parsed.valid.row(0, named=True)
    assert row["received_at"] == datetime(2026, 1, 5, 9, 15)
    assert row["fee_amount"] == 1_234_567
    assert parsed.valid["_row_number"].to_list() == [2]


def test_jsonl_iso_with_offsets(tmp_path):
    rec = {
        "dossier_id": "J1",
        "procedure_code": "P",
        "agency_code": "H31.01",
        "channel": "online",
        "received_at": "2026-01-05T01:30:00Z",
        "due_at": "2026-01-06T17:00:00+07:00",
        "status": "received",
        "updated_at": "2026-01-05 08:30:00",
        "is_digitized": True,
        "fee_amount": 50000,
    }
    path = tmp_path / "hs.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    row = read_file(path, DOSSIERS).valid.row(0, named=True)
    assert row["received_at"] == datetime(2026, 1, 5, 8, 30)  # UTC → Asia/Ho_Chi_Minh
    assert row["due_at"] == datetime(2026, 1, 6, 17, 0)
    assert row["is_digitized"] is True and row["fee_amount"] == 50000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567", 1234567),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("0", 0),
        ("1234567.0", 1234567),
        (" 2.000 ", 2000),
    ],
)
def test_amounts(tmp_path, text, expected):
    path = tmp_path / "hs.csv"
    path.write_text(_csv([HEADER, [*ROW[:9], text, *ROW[10:]]]))
    assert read_file(path, DOSSIERS).valid["fee_amount"].to_list() == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("x", True),
        ("", False),
        ("Có", True),
        ("Không", False),
        ("C", True),
        ("K", False),
        ("KHONG", False),
    ],
)
def test_booleans(tmp_path, text, expected):
    path = tmp_path / "hs.csv"
    path.write_text(_csv([HEADER, [*ROW[:10], text, ROW[11]]]))
    assert read_file(path, DOSSIERS).valid["is_digitized"].to_list() == [expected]


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        (5, "31/02/2026", "received_at: '31/02/2026' is not a date/time"),
        (0, "", "dossier_id: required value is missing"),
        (3, "Qua Zalo", "channel: 'Qua Zalo' is not one of online/in_person/postal"),
        (9, "1,5", "fee_amount: '1,5' is not a VND amount"),
        (9, "+5", "fee_amount: '+5' is not a VND amount"),
        (9, "-50.000", "fee_amount: negative value -50000"),
        (7, "04/01/2026", "completed_at (04/01/2026 00:00) is before received_at"),
        (6, "01/01/2026", "due_at (01/01/2026 00:00) is before received_at"),
        (10, "maybe", "is_digitized: 'maybe' is not a yes/no value"),
    ],
)
def test_row_rules_quarantine_with_reason(tmp_path, column, text, reason):
    bad = list(ROW)
    bad[column] = text
    path = tmp_path / "hs.csv"
    path.write_text(_csv([HEADER, ROW, bad]))
    parsed = read_file(path, DOSSIERS)
    assert parsed.valid.height == 1 and parsed.quarantined.height == 1
    q = parsed.quarantined.row(0, named=True)
    assert reason in q["_reason"]
    assert q["_row_number"] == 3  # line 3 of the file (header is line 1)
    assert json.loads(q["_raw_values"])[HEADER[column]] == (text or None)


def test_staffing_dates_and_ints(tmp_path):
    path = tmp_path / "bc.csv"
    path.write_text(
        _csv(
            [
                [
                    "Mã đơn vị",
                    "Ngày số liệu",
                    "Loại",
                    "Biên chế được giao",
                    "Số có mặt",
                    "Ngày cập nhật",
                ],
                ["H31.02", "31/12/2025", "Công chức", "1.838", "1800", "31/12/2025"],
            ]
        )
    )
    row = read_file(path, CONTRACTS["staffing"]).valid.row(0, named=True)
    assert row["snapshot_date"] == date(2025, 12, 31)
    assert (row["staff_category"], row["quota"], row["headcount"]) == ("civil_servant", 1838, 1800)


def test_a_batch_mixing_every_export_style_reads_the_same_values(tmp_path):
    # One batch holds files of every style; each date shape is tried only on what the
    # earlier shapes could not read, which must never change a value.
    row = {
        "dossier_id": "HS-9",
        "procedure_code": "1.000001",
        "agency_code": "H31.101",
        "channel": "online",
        "received_at": datetime(2026, 1, 5, 8, 30, 15),
        "due_at": datetime(2026, 1, 10, 17, 0),
        "status": "received",
        "fee_amount": 1_234_567,
        "updated_at": datetime(2026, 1, 5, 9, 0, 1),
    }
    texts = [
        read_text(
            drop(tmp_path, "dossiers", "2026-01-05", [row], name=style, style=style), DOSSIERS
        )
        for style in STYLES
    ]
    valid, bad = parse_rows(pl.concat([t.rows for t in texts], how="diagonal_relaxed"), DOSSIERS)
    assert bad.height == 0
    assert valid.height == len(STYLES)
    for column in ("received_at", "due_at", "fee_amount", "updated_at"):
        assert valid[column].to_list() == [row[column]] * len(STYLES), column
