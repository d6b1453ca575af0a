"""Django's PostgreSQL backend (psycopg 3); connections are kept between requests (core/dbpool.py)."""

from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.creation import DatabaseCreation as _DatabaseCreation
from psycopg import IsolationLevel
from psycopg.pq import TransactionStatus

from carecircle.core import dbguard, dbpool
from carecircle.core.dbpool import PooledConnections, readable_now


class DatabaseCreation(_DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        dbpool.drain()  # an idle connection to the test database would keep it from being dropped
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]


class DatabaseWrapper(PooledConnections, base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        raw = self.pool_take()
        if raw is None:
            return super().get_new_connection(conn_params)
        # What Django's get_new_connection sets on the wrapper besides connecting.
        level = self.settings_dict["OPTIONS"].get("isolation_level")
        self.isolation_level = IsolationLevel(level) if level is not None else IsolationLevel.READ_COMMITTED
        return raw

    def pool_exempt(self) -> bool:
        return bool(self.settings_dict["OPTIONS"].get("pool"))  # Django's own pool is configured

    def pool_usable(self, raw: Any) -> bool:
        return (
            not raw.closed
            and not raw.broken
            and raw.info.transaction_status == TransactionStatus.IDLE
            and not readable_now(raw.fileno())
        )

    def pool_clean(self, raw: Any) -> bool:
        if raw.closed or raw.broken or raw.info.transaction_status != TransactionStatus.IDLE:
            return False
        with dbguard.watched(self):
            raw.execute("RESET ALL")  # session settings go back to the connection's defaults
        return bool(raw.info.transaction_status == TransactionStatus.IDLE)
