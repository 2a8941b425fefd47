"""Read one landing file into canonical, typed rows plus quarantined rows with reasons.

One module per stage, in the order a file goes through them:
`decode` (bytes → NFC text) → `formats` / `lines` (CSV, JSON, NDJSON, XLSX → rows of
strings, a malformed line quarantined on its own) → `headers` (the file's headers → the
contract's columns) → `values` (text → typed values, or the reason it is not one) → `rows`
(rules across the columns of a row, and across rows: duplicates, unknown codes) →
`personal` (pseudonymised as read) → `raw_values` (what a quarantined row held, as read).
`files` runs them for one file; the loader runs them over a batch of days.

Every value is read as text first and parsed by vectorised Polars expressions, so each
parsing rule of the contract (docs/contract.md) lives in exactly one expression and a bad
value turns into a reason a person can act on instead of an exception or a silent NULL.
"""
