"""One contract per landing-zone source (docs/contract.md): the single home of column names, types,
required flags, Vietnamese header aliases and enum labels.

Readers, the sample generator, the raw tables and the tests all derive from these objects,
so a header alias or an enum label is added in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from cchc.sources.text import fold

Kind = Literal["text", "date", "datetime", "int", "amount", "bool", "enum"]

DUCKDB_TYPES: dict[Kind, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "int": "BIGINT",
    "amount": "BIGINT",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
}


#: How many days after its extract date a date may lie (a clock a day off, a night export
#: after midnight). Later dates are typos or placeholders (2099) and are quarantined.
DAYS_AHEAD = 1

#: Words (folded) that mark an unlisted column as personal data: such columns are dropped
#: as the file is read, never kept in `_extra` or quarantine.
PERSONAL_HEADER_WORDS = (
    "ho ten",
    "ho va ten",
    "ten nguoi",
    "nguoi nop",
    "cong dan",
    "cccd",
    "cmnd",
    "can cuoc",
    "dinh danh",
    "ho chieu",
    "dien thoai",
    "sdt",
    "so dt",
    "email",
    "thu dien tu",
    "dia chi",
    "noi o",
    "thuong tru",
    "ngay sinh",
    "nam sinh",
    "name",
    "phone",
    "address",
    "birth",
    "passport",
    "id number",
)


def looks_personal(header: str) -> bool:
    """True when an unlisted column's header says it holds personal data."""
    words = f" {fold(header)} "
    return any(f" {w} " in words for w in PERSONAL_HEADER_WORDS)


#: The province's time zone: extracts' naive timestamps are local time, and "today" is
#: Hưng Yên's today.
LOCAL_TZ = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Column:
    """One canonical column; `header` is the Vietnamese header the source system exports."""

    name: str
    header: str
    kind: Kind = "text"
    required: bool = False
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    personal: bool = False
    #: Days after the extract date this date may lie (date kinds; None: any future date).
    days_ahead: int | None = DAYS_AHEAD

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.kind]

    def header_keys(self) -> set[str]:
        """Folded spellings under which this column may appear in a file header."""
        return {fold(h) for h in (self.name, self.header, *self.aliases)}

    def enum_lookup(self) -> dict[str, str]:
        """Folded label or canonical value → canonical value."""
        lookup: dict[str, str] = {}
        for canonical, labels in self.labels.items():
            for spelling in (canonical, *labels):
                lookup[fold(spelling)] = canonical
        return lookup


@dataclass(frozen=True)
class SourceContract:
    """A landing-zone source: its columns, identity and the codes it must resolve."""

    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    version_column: str | None = "updated_at"
    agency_refs: tuple[str, ...] = ()
    procedure_refs: tuple[str, ...] = ()
    #: (earlier, later): a row whose `later` precedes `earlier` is quarantined.
    date_order: tuple[tuple[str, str], ...] = ()
    non_negative: tuple[str, ...] = ()
    #: (column, bound): a row whose `column` exceeds its `bound` column is quarantined.
    at_most: tuple[tuple[str, str], ...] = ()
    #: A daily source silent this many days gets a freshness warning (None: not daily).
    max_silent_days: int | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Folded header spelling → column name, built once: every file is matched to it."""
        return {key: col.name for col in self.columns for key in col.header_keys()}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def personal(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.personal)


def _updated_at() -> Column:
    return Column(
        "updated_at",
        "Ngày cập nhật",
        "datetime",
        required=True,
        aliases=("Thời gian cập nhật", "Cập nhật lúc"),
    )


LEVELS = {
    "province": ("Tỉnh", "Cấp tỉnh"),
    "district": ("Huyện", "Cấp huyện"),
    "commune": ("Xã", "Cấp xã"),
}
PROCEDURE_LEVELS = {"province": LEVELS["province"], "commune": LEVELS["commune"]}
ONLINE_LEVELS = {"full": ("Toàn trình",), "partial": ("Một phần",), "none": ("Không",)}
CHANNELS = {
    "online": ("Trực tuyến",),
    "in_person": ("Trực tiếp",),
    "postal": ("Bưu chính công ích", "Bưu chính (công ích)", "Bưu chính"),
}
STATUSES = {
    "received": ("Đã tiếp nhận", "Mới tiếp nhận"),
    "processing": ("Đang xử lý", "Đang giải quyết"),
    "completed": ("Đã có kết quả", "Đã trả kết quả", "Hoàn thành"),
    "returned": ("Trả lại", "Đã trả lại", "Trả lại hồ sơ"),
    "withdrawn": ("Rút hồ sơ", "Công dân rút hồ sơ", "Đã rút"),
    "cancelled": ("Hủy", "Đã hủy", "Huỷ"),
}
PAYMENT_METHODS = {
    "online": ("Trực tuyến",),
    "cash": ("Tiền mặt",),
    "transfer": ("Chuyển khoản",),
}
RATINGS = {
    "very_satisfied": ("Rất hài lòng",),
    "satisfied": ("Hài lòng",),
    "unsatisfied": ("Không hài lòng",),
}
STAFF_CATEGORIES = {
    "civil_servant": ("Công chức",),
    "public_employee": ("Viên chức",),
    "contract": ("Hợp đồng", "Lao động hợp đồng"),
}
SECTORS = {
    "administration": ("Hành chính", "Cơ quan hành chính"),
    "health": ("Y tế",),
    "education": ("Giáo dục",),
}
CAPITAL_SOURCES = {
    "central": ("NSTW", "Ngân sách trung ương"),
    "local": ("NSĐP", "Ngân sách địa phương"),
    "other": ("Khác",),
}

AGENCIES = SourceContract(
    name="agencies",
    title="Đơn vị",
    key=("agency_code",),
    columns=(
        Column("agency_code", "Mã đơn vị", required=True),
        Column("agency_name", "Tên đơn vị", required=True),
        Column("agency_level", "Cấp", "enum", required=True, labels=LEVELS),
        Column("agency_type", "Loại"),
        # a merger is decided months ahead: validity may lie in the future
        Column("valid_from", "Hiệu lực từ", "date", required=True, days_ahead=None),
        Column("valid_to", "Hiệu lực đến", "date", days_ahead=None),
        Column("successor_code", "Mã đơn vị kế thừa"),
        _updated_at(),
    ),
    date_order=(("valid_from", "valid_to"),),
)

PROCEDURES = SourceContract(
    name="procedures",
    title="Thủ tục hành chính",
    key=("procedure_code",),
    columns=(
        Column("procedure_code", "Mã TTHC", required=True, aliases=("Mã thủ tục",)),
        Column("procedure_name", "Tên TTHC", required=True, aliases=("Tên thủ tục",)),
        Column("level", "Cấp thực hiện", "enum", required=True, labels=PROCEDURE_LEVELS),
        Column(
            "online_level",
            "Mức độ DVC trực tuyến",
            "enum",
            required=True,
            labels=ONLINE_LEVELS,
        ),
        Column("has_fee", "Có phí, lệ phí", "bool"),
        Column("is_business", "Liên quan doanh nghiệp", "bool"),
        Column("full_online_eligible", "Đủ điều kiện cung cấp DVC toàn trình", "bool"),
        Column("online_payment_enabled", "Đã triển khai thanh toán trực tuyến", "bool"),
        Column(
            "cross_boundary",
            "Tiếp nhận không phụ thuộc địa giới hành chính",
            "bool",
            aliases=("Không phụ thuộc địa giới hành chính",),
        ),
        _updated_at(),
    ),
)

DOSSIERS = SourceContract(
    name="dossiers",
    title="Hồ sơ TTHC",
    key=("dossier_id",),
    agency_refs=("agency_code",),
    procedure_refs=("procedure_code",),
    date_order=(("received_at", "completed_at"), ("received_at", "due_at")),
    non_negative=("fee_amount",),
    max_silent_days=2,
    columns=(
        Column("dossier_id", "Mã hồ sơ", required=True),
        Column("procedure_code", "Mã TTHC", required=True, aliases=("Mã thủ tục",)),
        Column("agency_code", "Mã đơn vị tiếp nhận", required=True, aliases=("Mã đơn vị",)),
        Column("channel", "Hình thức nộp", "enum", required=True, labels=CHANNELS),
        Column("applicant_id", "Số định danh người nộp", personal=True, aliases=("CCCD",)),
        Column("applicant_name", "Tên người nộp", personal=True, aliases=("Người nộp",)),
        Column("received_at", "Ngày tiếp nhận", "datetime", required=True),
        Column("due_at", "Hạn trả kết quả", "datetime", required=True, days_ahead=366),
        Column("completed_at", "Ngày có kết quả", "datetime"),
        Column("status", "Trạng thái", "enum", required=True, labels=STATUSES),
        Column("is_digitized", "Số hóa hồ sơ", "bool", aliases=("Số hoá hồ sơ",)),
        Column("result_digitized", "Số hóa kết quả", "bool", aliases=("Số hoá kết quả",)),
        Column("fee_amount", "Phí, lệ phí", "amount"),
        Column("payment_method", "Hình thức thanh toán", "enum", labels=PAYMENT_METHODS),
        Column("apology_issued", "Đã xin lỗi", "bool"),
        Column("rating", "Đánh giá", "enum", labels=RATINGS),
        Column(
            "synced_at",
            "Thời điểm đồng bộ Cổng DVCQG",
            "datetime",
            aliases=("Đồng bộ Cổng DVCQG", "Ngày đồng bộ"),
        ),
        Column("vneid_authenticated", "Xác thực VNeID", "bool", aliases=("VNeID",)),
        _updated_at(),
    ),
)

DOCUMENTS = SourceContract(
    name="documents",
    title="Văn bản đi",
    key=("document_id",),
    agency_refs=("agency_code",),
    max_silent_days=2,
    columns=(
        Column("document_id", "Số/ký hiệu", required=True, aliases=("Mã văn bản",)),
        Column("agency_code", "Mã đơn vị", required=True, aliases=("Mã đơn vị ban hành",)),
        Column("issued_at", "Ngày ban hành", "datetime", required=True),
        Column("doc_type", "Loại văn bản"),
        Column("is_secret", "Văn bản mật", "bool", required=True),
        Column("is_electronic", "Gửi điện tử", "bool", required=True),
        Column("leader_signed", "Chữ ký số lãnh đạo", "bool", required=True),
        Column("agency_signed", "Chữ ký số cơ quan", "bool", required=True),
        _updated_at(),
    ),
)

STAFFING = SourceContract(
    name="staffing",
    title="Biên chế",
    key=("agency_code", "snapshot_date", "staff_category"),
    agency_refs=("agency_code",),
    non_negative=("quota", "headcount"),
    columns=(
        Column("agency_code", "Mã đơn vị", required=True),
        Column("snapshot_date", "Ngày số liệu", "date", required=True),
        Column(
            "staff_category",
            "Loại",
            "enum",
            required=True,
            labels=STAFF_CATEGORIES,
            aliases=("Loại cán bộ",),
        ),
        Column("quota", "Biên chế được giao", "int"),
        Column("headcount", "Số có mặt", "int", required=True),
        _updated_at(),
    ),
)

INVESTMENT_PLAN = SourceContract(
    name="investment_plan",
    title="Kế hoạch vốn đầu tư công",
    key=("project_code", "plan_year", "capital_source", "decision_date"),
    version_column=None,
    agency_refs=("investor_code",),
    non_negative=("plan_amount",),
    columns=(
        Column("project_code", "Mã dự án", required=True),
        Column("project_name", "Tên dự án", required=True),
        Column("investor_code", "Mã chủ đầu tư", required=True),
        Column("capital_source", "Nguồn vốn", "enum", labels=CAPITAL_SOURCES),
        Column("plan_year", "Năm kế hoạch", "int", required=True),
        Column("plan_amount", "Kế hoạch vốn được giao", "amount", required=True),
        Column(
            "decision_date",
            "Ngày giao/điều chỉnh",
            "date",
            required=True,
            aliases=("Ngày giao", "Ngày điều chỉnh"),
        ),
    ),
)

PAYMENTS = SourceContract(
    name="payments",
    title="Giải ngân",
    key=("payment_id",),
    max_silent_days=2,
    columns=(
        Column("payment_id", "Mã giao dịch", required=True, aliases=("Mã chứng từ",)),
        Column("project_code", "Mã dự án", required=True),
        Column("plan_year", "Năm kế hoạch", "int", required=True),
        Column("capital_source", "Nguồn vốn", "enum", labels=CAPITAL_SOURCES),
        Column("paid_at", "Ngày giải ngân", "date", required=True),
        Column("amount", "Số tiền", "amount", required=True),
        _updated_at(),
    ),
)

WORK_RECORDS = SourceContract(
    name="work_records",
    title="Hồ sơ công việc",
    key=("record_id",),
    agency_refs=("agency_code",),
    max_silent_days=2,
    columns=(
        Column("record_id", "Mã hồ sơ công việc", required=True),
        Column("agency_code", "Mã đơn vị", required=True),
        Column("opened_at", "Ngày mở hồ sơ", "datetime", required=True),
        Column("is_secret", "Hồ sơ mật", "bool", required=True),
        Column("processed_online", "Xử lý trên môi trường mạng", "bool", required=True),
        _updated_at(),
    ),
)

SURVEYS = SourceContract(
    name="surveys",
    title="Kết quả khảo sát sự hài lòng",
    key=("survey_id", "agency_code", "sector"),
    agency_refs=("agency_code",),
    non_negative=("respondents", "satisfied"),
    at_most=(("satisfied", "respondents"),),
    columns=(
        Column("survey_id", "Mã đợt khảo sát", required=True),
        Column("agency_code", "Mã đơn vị", required=True),
        Column("sector", "Lĩnh vực", "enum", required=True, labels=SECTORS),
        Column("surveyed_at", "Ngày khảo sát", "date", required=True),
        Column("respondents", "Số phiếu", "int", required=True),
        Column("satisfied", "Số phiếu hài lòng", "int", required=True),
        _updated_at(),
    ),
)

CONTRACTS: dict[str, SourceContract] = {
    c.name: c
    for c in (
        AGENCIES,
        PROCEDURES,
        DOSSIERS,
        DOCUMENTS,
        STAFFING,
        INVESTMENT_PLAN,
        PAYMENTS,
        WORK_RECORDS,
        SURVEYS,
    )
}
#: Reference sources are loaded before the operational ones in a run, so codes resolve.
REFERENCE_SOURCES = ("agencies", "procedures")
