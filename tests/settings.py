"""Test settings: a throw-away data folder, fast password hashing, background tasks inline."""

import os
import tempfile

os.environ.setdefault("CARECIRCLE_HOME", tempfile.mkdtemp(prefix="carecircle-test-"))
os.environ.setdefault("CARECIRCLE_VAULT_KEY", "test-vault-key-not-for-production")
os.environ.setdefault("CARECIRCLE_SECRET_KEY", "test-secret-key-not-for-production")

from carecircle.core.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CARECIRCLE_TASKS_INLINE = True  # enqueue() runs the task at commit time, in the test's thread
CELERY_BROKER_URL = ""

# The SQLite test database lives in memory with a shared cache (one database for every thread of
# the live server), where a reader meets a writer's table lock at once ("database table is locked")
# instead of reading the last commit as WAL gives production's file database. Reading uncommitted
# rows keeps a page that polls an import from failing while the import's batch is being written.
if DATABASES["default"]["ENGINE"] == "carecircle.core.dbbackends.sqlite3":  # noqa: F405
    _opts = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _opts["init_command"] = _opts.get("init_command", "") + " PRAGMA read_uncommitted=1;"
