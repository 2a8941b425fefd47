"""Dagster's SQLite event log, writing a ranged run's per-day materializations in one batch.

A run over a range of extract dates records one materialization per day and source: the
UI's per-day view of what was loaded. Dagster's SQLite storage writes each one as its own
two transactions (run shard, then cross-run index) — about 25 ms apiece here, a minute for
a first load of two years. Dagster already hands these events over in batches when
`DAGSTER_EVENT_BATCH_SIZE` is set (orchestration/instance.py), and its PostgreSQL storage
writes them in one statement; the SQLite storage only loops. This subclass writes a batch
the way the PostgreSQL storage does: the same rows, tags and latest-materialization index,
in one transaction per shard.

It also records a planned asset check once per run. Dagster 1.13 gives every check of a
ranged run the run's partitions, unpartitioned checks included, and stores one "planned" row
per partition (85 checks × 730 days: 31 s of a first load), each holding the whole serialized
event; the check's result, which carries no partition, then updates none of them and adds a
row of its own, so they stay "planned" forever. One row without a partition is what the
result updates. Every check here is on an unpartitioned asset.
"""

from __future__ import annotations

from collections.abc import Sequence

from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus,
)
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._serdes import ConfigurableClassData, serialize_value

#: The batched events written in one statement; every other batch goes event by event.
_BATCHED = ({DagsterEventType.ASSET_MATERIALIZATION}, {DagsterEventType.ASSET_OBSERVATION})


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with a one-transaction `store_event_batch` and one planned
    row per asset check and run."""

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value
    ) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        types = {event.dagster_event_type for event in events}
        run_ids = {event.run_id for event in events}
        assets = {event.dagster_event.asset_key for event in events if event.dagster_event}
        if types not in _BATCHED or len(run_ids) != 1 or len(assets) != 1:
            super().store_event_batch(events)
            return
        statement = self.prepare_insert_event_batch(events)
        with self.run_connection(run_ids.pop()) as conn:
            conn.execute(statement)
        with self.index_transaction() as conn:
            result = conn.execute(statement.returning(SqlEventLogStorageTable.c.id))
            ids = [row[0] for row in result.fetchall()]
            self._store_asset_event_tags(conn, events, ids)
            self._store_asset_event(conn, events[-1], ids[-1])

    def _store_asset_check_evaluation_planned(
        self, event: EventLogEntry, event_id: int | None
    ) -> None:
        planned = event.get_dagster_event().asset_check_planned_data
        with self.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.insert().values(
                    asset_key=planned.asset_key.to_string(),
                    check_name=planned.check_name,
                    partition=None,
                    run_id=event.run_id,
                    execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
                    evaluation_event=serialize_value(event),
                    evaluation_event_timestamp=self._event_insert_timestamp(event),
                    evaluation_event_storage_id=event_id,
                )
            )
