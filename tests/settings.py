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
