"""Dagster's SQLite event log, writing a ranged run's per-day materializations in one batch.

A run over a range of extract dates records one materialization per day and source: the
UI's per-day view of what was loaded. Dagster's SQLite storage writes each one as its own
two transactions (run shard, then cross-run index) — about 25 ms apiece here, a minute for
a first load of two years. Dagster already hands these events over in batches when
`DAGSTER_EVENT_BATCH_SIZE` is set (orchestration/instance.py), and its PostgreSQL storage
writes them in one statement; the SQLite storage only loops. This subclass writes a batch
the way the PostgreSQL storage does: the same rows, tags and latest-materialization index,
in one transaction per shard — as one statement executed for every row (`executemany`),
compiled once, not as one multi-row statement, which SQLAlchemy compiles anew for each
batch (≈ 3 s of CPU over the 6,600 materializations of the default sample's first load).

Each write also made a new SQLAlchemy engine and connection, so no statement was ever
compiled twice and every transaction paid an fsync and, closing the file's last
connection, a checkpoint of its WAL: the engines are kept (a few, per shard file) with
their pooled connections, and commit with `synchronous=NORMAL` (`_commit_without_fsync`),
which cuts the CPU and waiting the event log costs a run by more than half (≈ 7 s → 3 s of
a nightly's 500 events). The planned events written when a run is created (one per asset
and check) go in one batch too.

It also records a planned asset check once per run. Dagster 1.13 gives every check of a
ranged run the run's partitions, unpartitioned checks included, and stores one "planned" row
per partition (85 checks × 730 days: 31 s of a first load), each holding the whole serialized
event; the check's result, which carries no partition, then updates none of them and adds a
row of its own, so they stay "planned" forever. One row without a partition is what the
result updates. Every check here is on an unpartitioned asset.

Deleting a run (run retention, orchestration/instance.py) deletes what Dagster's storage
leaves behind: the run's shard file (about 1 MB a night) and its check rows in the index.
Without this the instance grew by both every night once retention started.

It leans on the storage's internals (`_connect`, `prepare_insert_event_batch`,
`_store_asset_event`…), the ones Dagster's own PostgreSQL storage uses: Dagster is pinned
to 1.13.x in pyproject.toml, and tests/test_deploy.py checks what the UI reads back (every
loaded day materialized, one check row per run with its result).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus,
)
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData, serialize_value
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

#: Batches written with one statement per shard (a ranged run's materializations).
_SAME_ASSET = ({DagsterEventType.ASSET_MATERIALIZATION}, {DagsterEventType.ASSET_OBSERVATION})
#: Batches written in one transaction per shard, event by event (a run's planned events).
_PLANNED = {
    DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
}
#: Shard engines kept: the index, the running run's shard, and a few readers' shards.
_ENGINES = 8


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with a one-transaction `store_event_batch` and one planned
    row per asset check and run."""

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value
    ) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        engines: dict[str, Engine] = self.__dict__.setdefault("_engines", {})
        with self._db_lock:
            engine = engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                event.listen(engine, "connect", _commit_without_fsync)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                if len(engines) >= _ENGINES:
                    engines.pop(next(iter(engines))).dispose()
                engines[shard] = engine
            with engine.connect() as conn, conn.begin():
                yield conn

    @functools.cached_property
    def supports_asset_checks(self) -> bool:
        """Dagster asks at every check event, and the SQLite storage answers by opening a new
        engine on the index; the index's tables do not change while the storage lives."""
        return self.has_table(AssetCheckExecutionsTable.name)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        types = {event.dagster_event_type for event in events}
        run_ids = {event.run_id for event in events}
        assets = {event.dagster_event.asset_key for event in events if event.dagster_event}
        if len(run_ids) != 1 or not (
            (types in _SAME_ASSET and len(assets) == 1) or types <= _PLANNED
        ):
            super().store_event_batch(events)
            return
        rows = [self._event_to_row(event) for event in events]
        insert = SqlEventLogStorageTable.insert()
        with self.run_connection(run_ids.pop()) as conn:
            conn.execute(insert, rows)
        with self.index_transaction() as conn:
            returning = insert.returning(SqlEventLogStorageTable.c.id, sort_by_parameter_order=True)
            ids = list(conn.execute(returning, rows).scalars())
            if types in _SAME_ASSET:
                self._store_asset_event_tags(conn, events, ids)
                self._store_asset_event(conn, events[-1], ids[-1])
                return
            for event, event_id in zip(events, ids, strict=True):  # as `store_event` does
                if event.dagster_event_type in ASSET_EVENTS:
                    self._store_asset_event_tags(conn, [event], [event_id])
                    self._store_asset_event(conn, event, event_id)
                if event.dagster_event_type in ASSET_CHECK_EVENTS:
                    conn.execute(_planned_check_row(event, event_id))

    def delete_events(self, run_id: str) -> None:
        """Dagster's delete, then the run's check rows and its shard file."""
        super().delete_events(run_id)
        with self.index_transaction() as conn:
            conn.execute(
                AssetCheckExecutionsTable.delete().where(
                    AssetCheckExecutionsTable.c.run_id == run_id
                )
            )
        with self._db_lock:
            engine = self.__dict__.get("_engines", {}).pop(run_id, None)
            if engine is not None:
                engine.dispose()
            self._initialized_dbs.discard(run_id)
        shard = Path(self.path_for_shard(run_id))
        for path in (shard, shard.with_suffix(".db-wal"), shard.with_suffix(".db-shm")):
            with suppress(FileNotFoundError):
                path.unlink()

    def _store_asset_check_evaluation_planned(
        self, event: EventLogEntry, event_id: int | None
    ) -> None:
        with self.index_connection() as conn:
            conn.execute(_planned_check_row(event, event_id))


def _commit_without_fsync(dbapi_connection, _record) -> None:
    """WAL (Dagster's journal mode) with `synchronous=NORMAL`: a commit is an append to the
    log, synced at checkpoints. A crash of the process loses nothing; a power cut can lose
    the last events, never the file's consistency (the SQLite documentation's guarantee)."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _planned_check_row(event: EventLogEntry, event_id: int | None):
    """One "planned" row for the check and run, without a partition (see module doc)."""
    planned = event.get_dagster_event().asset_check_planned_data
    return AssetCheckExecutionsTable.insert().values(
        asset_key=planned.asset_key.to_string(),
        check_name=planned.check_name,
        partition=None,
        run_id=event.run_id,
        execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
        evaluation_event=serialize_value(event),
        evaluation_event_timestamp=datetime.fromtimestamp(event.timestamp, UTC).replace(
            tzinfo=None
        ),
        evaluation_event_storage_id=event_id,
    )
