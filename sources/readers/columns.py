"""Lineage and bookkeeping columns every read row carries beside the contract's own."""

from __future__ import annotations

FILE = "_file"


EXTRACT_DAY = "_extract_date"


ROW = "_row_number"


RAW = "_raw_values"


EXTRA = "_extra"


REASON = "_reason"
