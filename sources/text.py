"""Vietnamese text folding shared by header matching and enum matching.

Source systems export the same header as "Mã hồ sơ", "MA HO SO" or "ma_ho_so"; folding
all of them to one key ("ma ho so") is what lets one alias table serve every variant.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse punctuation/underscores to spaces.

    Cached: every file of a source repeats the same dozen headers, and enum columns the
    same few labels."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", bare).strip()
