"""Django's SQLite backend; a file database's connections are kept between requests (core/dbpool.py)."""

from typing import Any

from django.db.backends.sqlite3 import base

from carecircle.core.dbpool import PooledConnections


class DatabaseWrapper(PooledConnections, base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        raw = self.pool_take()
        return raw if raw is not None else super().get_new_connection(conn_params)

    def pool_exempt(self) -> bool:
        return self.is_in_memory_db()  # Django never closes one: closing would destroy the database

    def pool_usable(self, raw: Any) -> bool:
        return not raw.in_transaction  # a local file: nothing else can have gone stale

    pool_clean = pool_usable  # SQLite keeps no session settings a request could leave behind
