"""Hostile landing zones and files: nothing is ignored without a word, rows (not files) pay
for row problems, dates are plausible, errors are short and free of personal data.

Each case states the message a person sees and checks that every row read is loaded,
quarantined or accounted as skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from cchc.orchestration.loader import RowRules, load_deliveries
from cchc.orchestration.resources import landing_zone
from cchc.sources.contracts import CONTRACTS, DOSSIERS
from cchc.sources.landing import scan
from cchc.sources.readers.errors import MAX_MESSAGE, ExtractError
from cchc.sources.readers.files import read_file
from cchc.sources.sample.writers import encode_cp1258
from tests.landing_files import AGENCY, PROCEDURE, dossier, drop

HEADER = (
    "Mã hồ sơ,Mã TTHC,Mã đơn vị tiếp nhận,Hình thức nộp,Ngày tiếp nhận,Hạn trả kết quả,"
    "Trạng thái,Ngày cập nhật"
)
GOOD = (
    "HS-{i},1.000001,H31.101,Trực tuyến,05/01/2026 08:00,08/01/2026 17:00,Đã tiếp nhận,"
    "05/01/2026 08:00"
)
FIRST, LAST = date(2020, 1, 1), date(2026, 1, 10)


def lines(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def good(i: int) -> str:
    return GOOD.format(i=i)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def skipped(landing: Path) -> dict[str, tuple[str, bool]]:
    found = scan(landing, CONTRACTS, FIRST, LAST)
    return {s.path: (s.reason, s.blocking) for s in found.skipped}


def days(landing: Path, source: str = "dossiers") -> list[str]:
    return sorted(scan(landing, CONTRACTS, FIRST, LAST).deliveries.get(source, {}))


def balanced(parsed) -> None:
    """Rows read = loaded + quarantined."""
    assert parsed.rows_read == parsed.valid.height + parsed.quarantined.height


# --- the landing zone: every file and folder accounted for -------------------------------


@pytest.mark.parametrize("name", ["2026-13-01", "latest", "20260105", "2026-1-5", "05-01-2026"])
def test_folder_that_is_not_a_date_is_skipped_and_blocks(tmp_path, name):
    write(tmp_path / "dossiers" / name / "a.csv", lines(good(1)))
    write(tmp_path / "dossiers" / "2026-01-05" / "a.csv", lines(good(2)))
    assert skipped(tmp_path) == {
        f"dossiers/{name}": ("folder name is not a date (YYYY-MM-DD)", True)
    }
    assert days(tmp_path) == ["2026-01-05"]  # the good folder is not held back


def test_misspelled_source_folder_names_the_likely_source(tmp_path):
    write(tmp_path / "dosiers" / "2026-01-05" / "a.csv", lines(good(1)))
    reason, blocking = skipped(tmp_path)["dosiers"]
    assert blocking and reason.startswith("unknown source folder (did you mean 'dossiers'?)")


def test_file_at_the_landing_root_is_skipped(tmp_path):
    write(tmp_path / "dossiers.csv", lines(good(1)))
    assert skipped(tmp_path) == {"dossiers.csv": ("file outside any <source>/<day> folder", True)}


@pytest.mark.parametrize("name", ["a.xls", "a.txt", "README", "a.csv.zip"])
def test_unsupported_file_types_are_skipped_and_block(tmp_path, name):
    write(tmp_path / "dossiers" / "2026-01-05" / name, "x")
    reason, blocking = skipped(tmp_path)[f"dossiers/2026-01-05/{name}"]
    assert blocking and reason.startswith("unsupported file type")
    assert ".csv, .xlsx, .json, .jsonl" in reason
    assert days(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("~$extract.xlsx", "lock or OS file"),
        ("._extract.csv", "lock or OS file"),
        (".DS_Store", "lock or OS file"),
        ("Thumbs.db", "lock or OS file"),
        (".~lock.extract.csv#", "lock or OS file"),
        ("extract.csv.part", "temporary or partial upload"),
        (".hidden.csv", "hidden file"),
    ],
)
def test_lock_and_os_files_are_skipped_without_blocking(tmp_path, name, reason):
    write(tmp_path / "dossiers" / "2026-01-05" / "a.csv", lines(good(1)))
    write(tmp_path / "dossiers" / "2026-01-05" / name, b"\x00\x01")
    assert skipped(tmp_path) == {f"dossiers/2026-01-05/{name}": (reason, False)}
    found = scan(tmp_path, CONTRACTS, FIRST, LAST).deliveries["dossiers"]["2026-01-05"]
    assert [p.name for p in found.files] == ["a.csv"]  # the day itself loads


def test_future_folder_is_skipped_and_good_folders_still_load(tmp_path):
    write(tmp_path / "dossiers" / "2026-01-05" / "a.csv", lines(good(1)))
    write(tmp_path / "dossiers" / "2026-03-01" / "a.csv", lines(good(2)))
    assert skipped(tmp_path) == {
        "dossiers/2026-03-01": ("extract date in the future (after 2026-01-10)", True)
    }
    assert days(tmp_path) == ["2026-01-05"]


def test_folder_before_the_first_partition_names_the_setting(tmp_path):
    write(tmp_path / "dossiers" / "2019-12-31" / "a.csv", lines(good(1)))
    reason, blocking = skipped(tmp_path)["dossiers/2019-12-31"]
    assert blocking and "CCHC_FIRST_EXTRACT_DATE" in reason


def test_symlinks_leaving_the_landing_zone_are_not_followed(tmp_path):
    landing, outside = tmp_path / "landing", tmp_path / "outside"
    write(outside / "secret.csv", lines(good(1)))
    write(outside / "2026-01-05" / "a.csv", lines(good(2)))
    (landing / "dossiers" / "2026-01-06").mkdir(parents=True)
    (landing / "dossiers" / "2026-01-06" / "a.csv").symlink_to(outside / "secret.csv")
    (landing / "dossiers" / "2026-01-05").symlink_to(outside / "2026-01-05")
    reason = "symlink pointing outside the landing zone"
    assert skipped(landing) == {
        "dossiers/2026-01-05": (reason, True),
        "dossiers/2026-01-06/a.csv": (reason, True),
    }
    assert days(landing) == []


def test_symlink_inside_the_landing_zone_is_followed(tmp_path):
    write(tmp_path / "archive" / "a.csv", lines(good(1)))
    (tmp_path / "dossiers" / "2026-01-05").mkdir(parents=True)
    (tmp_path / "dossiers" / "2026-01-05" / "a.csv").symlink_to(tmp_path / "archive" / "a.csv")
    assert days(tmp_path) == ["2026-01-05"]
    assert "archive" in skipped(tmp_path)  # the archive folder itself is not a source


def test_folder_inside_a_day_and_empty_day_folders(tmp_path):
    write(tmp_path / "dossiers" / "2026-01-05" / "more" / "a.csv", lines(good(1)))
    (tmp_path / "dossiers" / "2026-01-06").mkdir(parents=True)
    found = skipped(tmp_path)
    assert found["dossiers/2026-01-05/more"][1] is True
    assert found["dossiers/2026-01-06"] == ("empty day folder", False)


def test_unreadable_day_folder_is_skipped_with_the_cause(tmp_path, monkeypatch):
    write(tmp_path / "dossiers" / "2026-01-05" / "a.csv", lines(good(1)))
    real = os.scandir

    def scandir(path):  # root reads any folder: make this one unreadable
        if os.path.basename(path) == "2026-01-05":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert skipped(tmp_path) == {
        "dossiers/2026-01-05": ("cannot be read (Permission denied)", True),
    }


def test_partition_window_is_the_first_date_to_tomorrow_in_hung_yen(env):
    write(env.landing_dir / "dossiers" / "2026-01-05" / "a.csv", lines(good(1)))
    tomorrow = datetime.now().date() + timedelta(days=1)
    later = tomorrow + timedelta(days=3)
    write(env.landing_dir / "dossiers" / later.isoformat() / "a.csv", lines(good(2)))
    found = landing_zone(env).scan()
    assert list(found.deliveries["dossiers"]) == ["2026-01-05"]
    assert [s.path for s in found.skipped] == [f"dossiers/{later}"]


# --- rows, not files, pay for row problems ----------------------------------------------


def test_bad_jsonl_line_is_one_quarantined_row_with_its_line_number(tmp_path):
    rows = [{"Mã hồ sơ": f"HS-{i}", **json.loads(_json_row())} for i in range(3)]
    text = "\n".join([json.dumps(rows[0]), '{"Mã hồ sơ": "HS-x", broken', json.dumps(rows[1])])
    text += "\n[1, 2]\n" + json.dumps(rows[2]) + "\n\n"
    parsed = read_file(write(tmp_path / "a.jsonl", text), DOSSIERS)
    assert parsed.valid["dossier_id"].to_list() == ["HS-0", "HS-1", "HS-2"]
    reasons = sorted(parsed.quarantined["_reason"].to_list())
    assert reasons[0].startswith("line 2: not valid JSON (column ")
    assert reasons[1] == "line 4: not a JSON object"
    assert parsed.valid["_row_number"].to_list() == [1, 3, 5]
    balanced(parsed)


def _json_row() -> str:
    return json.dumps(
        {
            "Mã TTHC": "1.000001",
            "Mã đơn vị tiếp nhận": "H31.101",
            "Hình thức nộp": "Trực tuyến",
            "Ngày tiếp nhận": "2026-01-05T08:00:00+07:00",
            "Hạn trả kết quả": "2026-01-08T17:00:00+07:00",
            "Trạng thái": "Đã tiếp nhận",
            "Ngày cập nhật": "2026-01-05T08:00:00+07:00",
        },
        ensure_ascii=False,
    )


def test_row_with_an_extra_field_is_quarantined_not_truncated(tmp_path):
    parsed = read_file(
        write(tmp_path / "a.csv", lines(good(1), good(2) + ",surplus", good(3))), DOSSIERS
    )
    assert parsed.valid["dossier_id"].to_list() == ["HS-1", "HS-3"]
    assert parsed.quarantined["_reason"].to_list() == ["line 3: 9 fields where the header has 8"]
    balanced(parsed)


def test_row_with_a_field_missing_is_quarantined(tmp_path):
    short_row = good(2).rsplit(",", 1)[0]
    parsed = read_file(write(tmp_path / "a.csv", lines(good(1), short_row)), DOSSIERS)
    assert parsed.quarantined["_reason"].to_list() == ["line 3: 7 fields where the header has 8"]
    balanced(parsed)


def test_stray_quote_costs_one_row_and_quotes_nothing(tmp_path):
    names = [f"Nguyễn Văn Tên{i}" for i in range(200)]
    header = HEADER + ",Ghi chú"
    body = [good(0) + ',"oops'] + [good(i) + f",{n}" for i, n in enumerate(names, 1)]
    parsed = read_file(write(tmp_path / "a.csv", "\n".join([header, *body]) + "\n"), DOSSIERS)
    assert parsed.quarantined["_reason"].to_list() == ["line 2: unbalanced quote"]
    assert parsed.valid.height == 200
    assert not any("Nguyễn" in str(v) for v in parsed.quarantined.rows())
    balanced(parsed)


def test_multiline_quoted_field_is_one_row(tmp_path):
    text = lines(good(1) + ',"ghi\nchú"', good(2) + ",x").replace(HEADER, HEADER + ",Ghi chú", 1)
    parsed = read_file(write(tmp_path / "a.csv", text), DOSSIERS)
    assert parsed.valid["dossier_id"].to_list() == ["HS-1", "HS-2"]
    assert parsed.quarantined.is_empty()


def test_excel_trailing_comma_lines_and_blank_lines_are_not_rows(tmp_path):
    text = lines(good(1), "", good(2), ",,,,,,,", ",,,,,,,", "   ,  ,,,,,,")
    parsed = read_file(write(tmp_path / "a.csv", text), DOSSIERS)
    assert parsed.valid["dossier_id"].to_list() == ["HS-1", "HS-2"]
    assert parsed.quarantined.is_empty()
    assert parsed.rows_read == 2


def test_a_row_of_only_spaces_is_not_a_row(tmp_path):
    """Every field present (Polars' own reader takes the file) but only spaces, one of them
    non-breaking: blank, not a row to quarantine for its missing values."""
    text = lines(good(1), " ,\u00a0, , , , , , ", good(2))
    parsed = read_file(write(tmp_path / "a.csv", text), DOSSIERS)
    assert parsed.valid["dossier_id"].to_list() == ["HS-1", "HS-2"]
    assert parsed.quarantined.is_empty()
    assert parsed.rows_read == 2


def test_windows_1258_file_with_a_ragged_row_still_decodes(tmp_path):
    text = lines(good(1), good(2) + ",x")
    parsed = read_file(write(tmp_path / "a.csv", encode_cp1258(text)), DOSSIERS)
    assert parsed.valid["channel"].to_list() == ["online"]
    assert parsed.quarantined["_reason"].to_list() == ["line 3: 9 fields where the header has 8"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER + ",Trạng thái", "duplicate column 'Trạng thái' in the header"),
        (HEADER + ",ma_ho_so", "columns 'Mã hồ sơ' and 'ma_ho_so' both mean dossier_id"),
    ],
)
def test_duplicate_headers_fail_the_file_naming_the_column(tmp_path, header, message):
    path = write(tmp_path / "a.csv", "\n".join([header, good(1) + ",x"]) + "\n")
    with pytest.raises(ExtractError, match=message):
        read_file(path, DOSSIERS)


def test_duplicate_header_in_a_workbook_fails_naming_the_column(tmp_path):
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [*HEADER.split(","), "Trạng thái"])
    sheet.write_row(1, 0, [*good(1).split(","), "x"])
    book.close()
    with pytest.raises(ExtractError, match="duplicate column 'Trạng thái'"):
        read_file(path, DOSSIERS)


def test_zero_byte_file_says_it_is_empty(tmp_path):
    with pytest.raises(ExtractError, match=r"a\.csv: the file is empty"):
        read_file(write(tmp_path / "a.csv", b""), DOSSIERS)


def test_garbage_workbook_error_is_short_and_quotes_nothing(tmp_path):
    path = write(tmp_path / "a.xlsx", ("Nguyễn Văn A 0330912345678\n" * 5000).encode())
    with pytest.raises(ExtractError) as error:
        read_file(path, DOSSIERS)
    assert len(str(error.value)) <= MAX_MESSAGE
    assert "Nguyễn" not in str(error.value) and "0330912345678" not in str(error.value)
    assert "cannot read file" in str(error.value)


def test_missing_required_column_error_is_short(tmp_path):
    path = write(tmp_path / ("x" * 200) / ("y" * 200 + ".csv"), "Mã hồ sơ\nHS-1\n")
    with pytest.raises(ExtractError) as error:
        read_file(path, DOSSIERS)
    assert len(str(error.value)) <= MAX_MESSAGE


# --- plausible values only --------------------------------------------------------------


@pytest.fixture
def warehouse(tmp_path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB warehouse holding the reference rows the dossiers cite."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    landing = tmp_path / "landing"
    for source, row in (("agencies", AGENCY), ("procedures", PROCEDURE)):
        drop(landing, source, "2026-01-05", [row])
        found = scan(landing, CONTRACTS, FIRST, LAST).deliveries[source]
        load_deliveries(con, CONTRACTS[source], list(found.values()), RULES)
    yield con
    con.close()


RULES = RowRules(b"test-key", date(2000, 1, 1))


def load_day(con, landing: Path, day: str, rows: list[dict], **kw) -> dict[str, str]:
    """Drop `rows` as dossiers of `day`, load it; {dossier_id or row: reason} quarantined."""
    drop(landing, "dossiers", day, rows, **kw)
    delivery = scan(landing, CONTRACTS, FIRST, LAST).deliveries["dossiers"][day]
    load_deliveries(con, DOSSIERS, [delivery], RULES)
    reasons = con.execute(
        "select row_number, reason from audit.quarantine where extract_date = ?", [day]
    ).fetchall()
    (read, loaded, bad) = con.execute(
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from audit.ingestion_log"
        " where source = 'dossiers' and extract_date = ?",
        [day],
    ).fetchone()
    assert read == loaded + bad
    return {str(n): r for n, r in reasons}


def test_dates_far_after_the_extract_date_are_quarantined(warehouse, tmp_path):
    rows = [
        dossier(1),
        dossier(2, received_at=datetime(2099, 1, 5, 8), updated_at=datetime(2099, 1, 5, 8)),
        dossier(3, due_at=datetime(2026, 7, 1, 17)),  # a due date months ahead is normal
    ]
    reasons = load_day(warehouse, tmp_path / "landing", "2026-01-05", rows)
    assert list(reasons) == ["3"]
    assert (
        "received_at: '05/01/2099 08:00' is more than 1 day(s) after the extract date"
        in (reasons["3"])
    )
    assert warehouse.execute("select max(received_at) from raw.dossiers").fetchone() == (
        datetime(2026, 1, 5, 8),
    )


def test_placeholder_dates_before_the_floor_are_quarantined(warehouse, tmp_path):
    rows = [dossier(1, received_at=datetime(1900, 1, 1), due_at=datetime(1900, 1, 4))]
    reasons = load_day(warehouse, tmp_path / "landing", "2026-01-05", rows)
    assert "received_at: '01/01/1900 00:00' is before 01/01/2000 (CCHC_DATE_FLOOR)" in reasons["2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/26 08:00", datetime(2026, 1, 5, 8)),
        ("05/01/26", datetime(2026, 1, 5)),
        ("5/1/26 08:00:00", datetime(2026, 1, 5, 8)),
    ],
)
def test_two_digit_years_are_this_century(tmp_path, text, expected):
    row = good(1).replace("05/01/2026 08:00", text, 1)
    parsed = read_file(write(tmp_path / "a.csv", lines(row)), DOSSIERS)
    assert parsed.valid["received_at"].to_list() == [expected]


def test_year_26_written_in_four_digits_is_quarantined(warehouse, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "dossiers" / "2026-01-05" / "a.csv",
        lines(good(1).replace("05/01/2026", "05/01/0026", 1)),
    )
    delivery = scan(landing, CONTRACTS, FIRST, LAST).deliveries["dossiers"]["2026-01-05"]
    load_deliveries(warehouse, DOSSIERS, [delivery], RULES)
    (reason,) = warehouse.execute("select reason from audit.quarantine").fetchone()
    assert "before 01/01/2000" in reason


def test_survey_row_with_more_satisfied_than_respondents_is_quarantined(tmp_path):
    rows = [
        {
            "survey_id": "KS-2026-Q1",
            "agency_code": "H31.101",
            "sector": sector,
            "surveyed_at": date(2026, 3, 31),
            "respondents": 10,
            "satisfied": satisfied,
            "updated_at": datetime(2026, 3, 31, 18),
        }
        for sector, satisfied in (("health", 12), ("education", 10))
    ]
    path = drop(tmp_path, "surveys", "2026-03-31", rows)
    parsed = read_file(path, CONTRACTS["surveys"])
    balanced(parsed)
    assert parsed.valid["sector"].to_list() == ["education"]  # 10 of 10 is fine
    assert parsed.quarantined["_reason"].to_list() == [
        "satisfied (12) is more than respondents (10)"
    ]


def test_a_warehouse_from_before_a_contract_column_gains_it(warehouse, tmp_path):
    """A column added to a contract (synced_at) is added to the raw table of a warehouse
    created before it; rows loaded earlier read blank, new deliveries fill it."""
    from cchc.orchestration.warehouse import ensure_schema

    warehouse.execute("alter table raw.dossiers drop column synced_at")
    load_day(warehouse, tmp_path / "landing", "2026-01-05", [dossier(1)])  # an older format
    ensure_schema(warehouse)
    synced = datetime(2026, 1, 6, 9)
    load_day(warehouse, tmp_path / "landing", "2026-01-06", [dossier(2, 6, synced_at=synced)])
    assert warehouse.execute(
        "select dossier_id, synced_at from raw.dossiers order by 1"
    ).fetchall() == [("HS-1", None), ("HS-2", synced)]


# --- personal data never in clear -------------------------------------------------------


def test_unlisted_personal_columns_are_dropped_and_others_kept(tmp_path):
    header = HEADER + ",Họ và tên người nhận,Số điện thoại,Địa chỉ thường trú,CCCD,Ghi chú"
    row = good(1) + ",Lê Thị Hoa,0912345678,12 Phố Hiến,033091234567,đã gọi"
    parsed = read_file(write(tmp_path / "a.csv", f"{header}\n{row}\n"), DOSSIERS)
    extra = json.loads(parsed.valid["_extra"][0])
    assert extra == {"Ghi chú": "đã gọi"}


def test_quarantined_rows_keep_no_names_and_a_pseudonymised_id(warehouse, tmp_path):
    rows = [dossier(1, status="không rõ", applicant_name="Phạm Thị Lan")]
    load_day(warehouse, tmp_path / "landing", "2026-01-05", rows)
    (raw,) = warehouse.execute("select raw_values from audit.quarantine").fetchone()
    values = json.loads(raw)
    assert "Phạm Thị Lan" not in raw and "Tên người nộp" not in values
    assert values["Số định danh người nộp"] not in ("", "033090000001")
    assert len(values["Số định danh người nộp"]) == 32  # the keyed hash, as in raw.dossiers
    assert values["Trạng thái"] == "không rõ"


# --- the ingestion log accounts for every file ------------------------------------------


def test_header_only_file_leaves_an_ingestion_log_row(warehouse, tmp_path):
    landing = tmp_path / "landing"
    write(landing / "dossiers" / "2026-01-05" / "empty.csv", HEADER + "\n")
    drop(landing, "dossiers", "2026-01-05", [dossier(1)], name="full")
    delivery = scan(landing, CONTRACTS, FIRST, LAST).deliveries["dossiers"]["2026-01-05"]
    load_deliveries(warehouse, DOSSIERS, [delivery], RULES)
    log = warehouse.execute(
        "select regexp_extract(file, '[^/]+$'), rows_read, rows_loaded, rows_quarantined"
        " from audit.ingestion_log where source = 'dossiers' order by 1"
    ).fetchall()
    assert log == [("empty.csv", 0, 0, 0), ("full.csv", 1, 1, 0)]


def test_malformed_lines_count_as_read_and_quarantined(warehouse, tmp_path):
    landing = tmp_path / "landing"
    write(landing / "dossiers" / "2026-01-05" / "a.csv", lines(good(1), good(2) + ",x", ",,,,,,,"))
    delivery = scan(landing, CONTRACTS, FIRST, LAST).deliveries["dossiers"]["2026-01-05"]
    load_deliveries(warehouse, DOSSIERS, [delivery], RULES)
    assert warehouse.execute(
        "select rows_read, rows_loaded, rows_quarantined from audit.ingestion_log"
        " where source = 'dossiers'"
    ).fetchall() == [(2, 1, 1)]
    assert warehouse.execute("select row_number, raw_values from audit.quarantine").fetchall() == [
        (3, None)
    ]


def test_symlinked_landing_root_is_the_landing_zone(tmp_path):
    real = tmp_path / "real"
    write(real / "dossiers" / "2026-01-05" / "a.csv", lines(good(1)))
    os.symlink(real, tmp_path / "link")
    assert days(tmp_path / "link") == ["2026-01-05"]
    assert skipped(tmp_path / "link") == {}
