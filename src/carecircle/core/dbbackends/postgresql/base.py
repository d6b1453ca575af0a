"""Django's PostgreSQL backend (psycopg 3); connections are kept between requests (core/dbpool.py)."""

from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.creation import DatabaseCreation as _DatabaseCreation
from psycopg import IsolationLevel
from psycopg.pq import TransactionStatus

from carecircle.core import dbguard, dbpool
from carecircle.core.dbpool import PooledConnections, readable_now


class DatabaseCreation(_DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:  # noqa: ARG002
        """Drop the test database at the end of the test run, though threads of the ending test
        process still hold connections to it (the health checker keeps one by design, core/health.py;
        a live server's request threads keep theirs while the browser keeps its connection open):
        a plain DROP DATABASE failed with "being accessed by other users" and left it behind."""
        dbpool.drain()
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {self.connection.ops.quote_name(test_database_name)} WITH (FORCE)")


class DatabaseWrapper(PooledConnections, base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        # Django's time zone as the session's default: the RESET ALL of a kept connection (pool_clean)
        # then keeps it, where it went back to the server's zone and Django set it again before
        # every request's first statement (a round trip per request).
        if self.timezone_name:
            params["options"] = f"{params.get('options', '')} -c TimeZone={self.timezone_name}".strip()
        return params

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
