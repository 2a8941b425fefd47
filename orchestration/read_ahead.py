"""Landing files read on background threads, and read ahead of the loading steps of a run.

A run's loading steps follow one another in one process, and between two sources the
process spends a second or so on Dagster's bookkeeping (one materialization per day of the
range) with one core idle. Given the run's plan (which deliveries, in the order of the
steps), the reader keeps up to `ahead_bytes` of the next sources' files read while the
current step parses, writes and records; a step then finds its files, or part of them,
already read. Bounded: what is read ahead and not yet taken never exceeds `ahead_bytes` of
landing files (plus one delivery), on top of the loader's own chunk.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from cchc.sources.contracts import SourceContract
from cchc.sources.landing import Delivery
from cchc.sources.readers.files import TextFile, read_text

#: Files are read in parallel: the Polars and fastexcel readers release the GIL, and with
#: thousands of small files a thread often waits on Polars' own pool: four threads keep both
#: cores busier than two.
READER_THREADS = 4
#: Landing bytes read ahead of the step that needs them: the default sample's small sources
#: and a quarter of its dossiers; at 10 M dossiers an eighth of a loading chunk.
AHEAD_BYTES = 32 * 1024 * 1024


def delivery_bytes(delivery: Delivery) -> int:
    return sum(p.stat().st_size for p in delivery.files)


def read_day(delivery: Delivery, contract: SourceContract) -> list[TextFile]:
    """One delivery's files as text; raises ExtractError for a file that cannot be read."""
    return [read_text(p, contract) for p in delivery.files]


@dataclass
class _Ahead:
    contract: SourceContract
    delivery: Delivery
    size: int
    future: Future[list[TextFile]] | None = None


Read = Callable[[Delivery, SourceContract], list[TextFile]]


class LandingReader:
    """Reads deliveries' files on READER_THREADS threads, ahead of time for the `plan`."""

    def __init__(
        self,
        plan: Sequence[tuple[SourceContract, Delivery]] = (),
        ahead_bytes: int = AHEAD_BYTES,
        read: Read = read_day,
    ) -> None:
        self._read = read
        self._pool = ThreadPoolExecutor(READER_THREADS, thread_name_prefix="landing-read")
        self._lock = threading.Lock()
        self._planned = {(c.name, d.day): _Ahead(c, d, delivery_bytes(d)) for c, d in plan}
        self._order = deque(self._planned)
        self._ahead_bytes = ahead_bytes
        self._held = 0  # bytes of planned reads submitted and not yet taken
        with self._lock:
            self._fill()

    def read(self, contract: SourceContract, delivery: Delivery) -> Future[list[TextFile]]:
        """The delivery's files as text: read ahead already or under way, else read now."""
        with self._lock:
            ahead = self._planned.pop((contract.name, delivery.day), None)
            future = ahead.future if ahead is not None else None
            if ahead is not None and future is not None:
                self._held -= ahead.size
                if ahead.delivery != delivery:  # re-delivered since the plan was made
                    future = None
            if future is None:
                future = self._pool.submit(self._read, delivery, contract)
            self._fill()
        return future

    def _fill(self) -> None:
        """Submit planned reads, in plan order, while less than `ahead_bytes` is held."""
        while self._order and self._held < self._ahead_bytes:
            ahead = self._planned.get(self._order.popleft())
            if ahead is None:  # taken before its turn came
                continue
            ahead.future = self._pool.submit(self._read, ahead.delivery, ahead.contract)
            self._held += ahead.size

    def close(self) -> None:
        """Drop what was read ahead and never asked for; reads under way end by themselves."""
        with self._lock:
            self._planned.clear()
            self._order.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
