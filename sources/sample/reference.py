"""Reference data of the sample province: agencies across the 2025 reorganisation and a
procedure catalogue. Names are plausible Hưng Yên / Thái Bình names, not an official list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

REORG_DAY = date(2025, 7, 1)  # two-level local government (Nghị quyết 1666/NQ-UBTVQH15)
DEPT_MERGE_DAY = date(2025, 3, 1)  # provincial departments merged
LONG_AGO = date(2020, 1, 1)

PROVINCE_DEPTS = (
    "Văn phòng UBND tỉnh",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Công an tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Sở Ngoại vụ",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "Quỹ Đầu tư phát triển tỉnh",
)
# Hưng Yên departments merged on 1 March 2025: (name, index of successor in PROVINCE_DEPTS)
MERGED_DEPTS = (
    ("Sở Kế hoạch và Đầu tư", 1),
    ("Sở Giao thông vận tải", 4),
    ("Sở Lao động - Thương binh và Xã hội", 2),
    ("Sở Tài nguyên và Môi trường", 5),
    ("Sở Thông tin và Truyền thông", 9),
)
# Thái Bình province's departments, merged into Hưng Yên's on 1 July 2025.
THAI_BINH_DEPTS = tuple(
    (f"{PROVINCE_DEPTS[i]} (Thái Bình)".replace(" tỉnh", ""), i) for i in range(1, 15)
)
OLD_DISTRICTS = (
    ("Thành phố Hưng Yên", "H31"),
    ("Thị xã Mỹ Hào", "H31"),
    ("Huyện Văn Lâm", "H31"),
    ("Huyện Văn Giang", "H31"),
    ("Huyện Yên Mỹ", "H31"),
    ("Huyện Khoái Châu", "H31"),
    ("Huyện Ân Thi", "H31"),
    ("Huyện Kim Động", "H31"),
    ("Huyện Tiên Lữ", "H31"),
    ("Huyện Phù Cừ", "H31"),
    ("Thành phố Thái Bình", "H57"),
    ("Huyện Quỳnh Phụ", "H57"),
    ("Huyện Hưng Hà", "H57"),
    ("Huyện Đông Hưng", "H57"),
    ("Huyện Thái Thụy", "H57"),
    ("Huyện Tiền Hải", "H57"),
    ("Huyện Kiến Xương", "H57"),
    ("Huyện Vũ Thư", "H57"),
)
WARDS = (
    "Phố Hiến",
    "Sơn Nam",
    "Hồng Châu",
    "Mỹ Hào",
    "Đường Hào",
    "Thượng Hồng",
    "Thái Bình",
    "Trần Lãm",
    "Trần Hưng Đạo",
    "Trà Lý",
    "Vũ Phúc",
)
COMMUNE_STEMS = (
    "Như Quỳnh",
    "Lạc Đạo",
    "Đại Đồng",
    "Nghĩa Trụ",
    "Phụng Công",
    "Văn Giang",
    "Mễ Sở",
    "Yên Mỹ",
    "Việt Yên",
    "Hoàn Long",
    "Nguyễn Văn Linh",
    "Khoái Châu",
    "Triệu Việt Vương",
    "Việt Tiến",
    "Chí Minh",
    "Châu Ninh",
    "Ân Thi",
    "Xuân Trúc",
    "Phạm Ngũ Lão",
    "Nguyễn Trãi",
    "Hồng Quang",
    "Kim Động",
    "Đức Hợp",
    "Nghĩa Dân",
    "Hiệp Cường",
    "Tiên Lữ",
    "Tiên Hoa",
    "Quang Hưng",
    "Đoàn Đào",
    "Tiên Tiến",
    "Tống Trân",
    "Phù Cừ",
    "Quỳnh Phụ",
    "Minh Thọ",
    "Nguyễn Du",
    "Quỳnh An",
    "Ngọc Lâm",
    "Đồng Bằng",
    "A Sào",
    "Phụ Dực",
    "Tân Tiến",
    "Hưng Hà",
    "Diên Hà",
    "Thần Khê",
    "Long Hưng",
    "Tiên La",
    "Lê Quý Đôn",
    "Hồng Minh",
    "Đông Hưng",
    "Bắc Tiên Hưng",
    "Đông Tiên Hưng",
    "Nam Đông Hưng",
    "Bắc Đông Quan",
    "Đông Quan",
    "Thái Thụy",
    "Thụy Anh",
    "Nam Thụy Anh",
    "Bắc Thụy Anh",
    "Thái Ninh",
    "Đông Thụy Anh",
    "Tây Thụy Anh",
    "Tiền Hải",
    "Đông Tiền Hải",
    "Tây Tiền Hải",
    "Ái Quốc",
    "Đồng Châu",
    "Nam Cường",
    "Hưng Phú",
    "Nam Tiền Hải",
    "Kiến Xương",
    "Lê Lợi",
    "Quang Lịch",
    "Vũ Quý",
    "Bình Thanh",
    "Bình Định",
    "Hồng Vũ",
    "Bình Nguyên",
    "Trà Giang",
    "Vũ Thư",
    "Thư Trì",
    "Tân Thuận",
    "Thư Vũ",
    "Vũ Tiên",
    "Vạn Xuân",
    "Hoàng Hoa Thám",
    "Tân Hưng",
    "Hoàng Công Chất",
    "Lương Bằng",
    "Mỹ Hưng",
    "Thiện Phiến",
    "Quảng Lãng",
    "Hưng Long",
    "Ngọc Thanh",
)
PROCEDURE_FIELDS = (
    (
        "Hộ tịch",
        "commune",
        (
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Đăng ký khai tử",
            "Trích lục hộ tịch",
            "Xác nhận tình trạng hôn nhân",
        ),
    ),
    (
        "Chứng thực",
        "commune",
        ("Chứng thực bản sao", "Chứng thực chữ ký", "Chứng thực hợp đồng, giao dịch"),
    ),
    (
        "Đất đai",
        "commune",
        (
            "Đăng ký biến động đất đai",
            "Cấp giấy chứng nhận quyền sử dụng đất",
            "Chuyển mục đích sử dụng đất",
            "Tách thửa, hợp thửa đất",
        ),
    ),
    (
        "Xây dựng",
        "province",
        (
            "Cấp giấy phép xây dựng",
            "Thẩm định thiết kế xây dựng",
            "Cấp chứng chỉ hành nghề xây dựng",
        ),
    ),
    (
        "Đầu tư",
        "province",
        (
            "Cấp giấy chứng nhận đăng ký đầu tư",
            "Điều chỉnh dự án đầu tư",
            "Chấp thuận chủ trương đầu tư",
        ),
    ),
    (
        "Doanh nghiệp",
        "province",
        (
            "Đăng ký thành lập doanh nghiệp",
            "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
            "Tạm ngừng kinh doanh",
        ),
    ),
    (
        "Y tế",
        "province",
        ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Cấp giấy phép hoạt động cơ sở khám bệnh"),
    ),
    ("Giáo dục", "province", ("Công nhận tốt nghiệp", "Cấp bản sao văn bằng, chứng chỉ")),
    (
        "Lao động",
        "province",
        ("Cấp giấy phép lao động cho người nước ngoài", "Đăng ký nội quy lao động"),
    ),
    ("Bảo trợ xã hội", "commune", ("Trợ cấp xã hội hằng tháng", "Hỗ trợ chi phí mai táng")),
    (
        "Hộ kinh doanh",
        "commune",
        ("Đăng ký hộ kinh doanh", "Thay đổi nội dung đăng ký hộ kinh doanh"),
    ),
    (
        "Công thương",
        "province",
        ("Cấp giấy phép bán lẻ rượu", "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm"),
    ),
)
PROCEDURE_SUFFIXES = (
    "",
    " lần đầu",
    " lại",
    " (cấp đổi)",
    " có yếu tố nước ngoài",
    " trực tuyến liên thông",
    " cho tổ chức",
    " cho cá nhân",
)


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    type: str
    valid_from: date
    valid_to: date | None = None
    successor_code: str | None = None

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def build_agencies(rng: np.random.Generator) -> list[Agency]:
    """Today's units plus the units abolished in 2025, with successor chains."""
    before_merge = date(2025, 2, 28)
    before_reorg = date(2025, 6, 30)
    depts = [
        Agency(
            f"H31.{i + 1:02d}",
            name,
            "province",
            "center" if name.startswith(("Trung tâm", "Ban", "Quỹ")) else "department",
            LONG_AGO,
        )
        for i, name in enumerate(PROVINCE_DEPTS)
    ]
    merged = [
        Agency(
            f"H31.{41 + i}",
            name,
            "province",
            "department",
            LONG_AGO,
            before_merge,
            depts[succ].code,
        )
        for i, (name, succ) in enumerate(MERGED_DEPTS)
    ]
    thai_binh = [
        Agency(
            f"H57.{i + 1:02d}",
            name,
            "province",
            "department",
            LONG_AGO,
            before_reorg,
            depts[succ].code,
        )
        for i, (name, succ) in enumerate(THAI_BINH_DEPTS)
    ]
    # A chain: Thái Bình's planning department → its finance department (March) →
    # Hưng Yên's finance department (July).
    thai_binh.append(
        Agency(
            "H57.41",
            "Sở Kế hoạch và Đầu tư (Thái Bình)",
            "province",
            "department",
            LONG_AGO,
            before_merge,
            thai_binh[0].code,
        )
    )

    names = list(WARDS) + [s for s in COMMUNE_STEMS if s not in WARDS][: 104 - len(WARDS)]
    communes = [
        Agency(
            f"H31.{101 + i}",
            ("Phường " if i < len(WARDS) else "Xã ") + name,
            "commune",
            "ward" if i < len(WARDS) else "commune",
            REORG_DAY,
        )
        for i, name in enumerate(names)
    ]
    districts, old_communes = [], []
    groups = np.array_split(np.arange(len(communes)), len(OLD_DISTRICTS))
    for d, ((dname, prefix), group) in enumerate(zip(OLD_DISTRICTS, groups, strict=True)):
        dcode = f"{prefix}.D{d + 1:02d}"
        seat = communes[int(group[0])]
        districts.append(
            Agency(dcode, dname, "district", "district", LONG_AGO, before_reorg, seat.code)
        )
        n = 0
        for ci in group:
            new = communes[int(ci)]
            for _ in range(int(rng.integers(2, 4))):
                n += 1
                kind = "Phường" if new.type == "ward" else "Xã"
                stem = new.name.split(" ", 1)[1]
                old_communes.append(
                    Agency(
                        f"{dcode}.{n:02d}",
                        f"{kind} {stem} {n}",
                        "commune",
                        new.type,
                        LONG_AGO,
                        before_reorg,
                        new.code,
                    )
                )
    return depts + merged + thai_binh + communes + districts + old_communes


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    level: str
    online_level: str
    has_fee: bool
    is_business: bool
    processing_days: int
    fee: int


def build_procedures(rng: np.random.Generator, count: int = 300) -> list[Procedure]:
    """A catalogue of `count` TTHC, codes shaped like the national catalogue's."""
    out: list[Procedure] = []
    seen: set[str] = set()
    while len(out) < count:
        field, level, names = PROCEDURE_FIELDS[int(rng.integers(len(PROCEDURE_FIELDS)))]
        name = names[int(rng.integers(len(names)))]
        name += PROCEDURE_SUFFIXES[int(rng.integers(len(PROCEDURE_SUFFIXES)))]
        if name in seen:
            name = f"{name} - lĩnh vực {field.lower()} ({len(out) + 1})"
        seen.add(name)
        online = str(rng.choice(["full", "partial", "none"], p=[0.45, 0.4, 0.15]))
        has_fee = bool(rng.random() < 0.55)
        out.append(
            Procedure(
                code=f"1.{10000 + len(out) * 37:06d}.000.00.00.H31",
                name=name,
                level=level,
                online_level=online,
                has_fee=has_fee,
                is_business=field in ("Đầu tư", "Doanh nghiệp", "Công thương", "Hộ kinh doanh"),
                processing_days=int(rng.choice([1, 2, 3, 5, 7, 10, 15, 20])),
                fee=int(rng.choice([20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]))
                if has_fee
                else 0,
            )
        )
    return out
