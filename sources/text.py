"""Vietnamese text folding shared by header matching and enum matching.

Source systems export the same header as "Mã hồ sơ", "MA HO SO" or "ma_ho_so"; folding
all of them to one key ("ma ho so") is what lets one alias table serve every variant.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse punctuation/underscores to spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", bare).strip()
