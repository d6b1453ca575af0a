"""Sessions in the database, as Django keeps them, with one statement for the common write.

A signed-in session is written again at most every 30 seconds of use (the idle timeout's mark,
core/middleware.py), so nearly every page of someone who reads a page for longer writes it.
Django's `SessionStore.save` wraps that UPDATE in a transaction: BEGIN, UPDATE, COMMIT, three
round trips to the database on PostgreSQL. One UPDATE of the row by its key is atomic by itself;
creating a session (an INSERT that must not overwrite another's key) stays Django's."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, router


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        data = dict(self.items())  # read first if not yet, as Django's save does
        model = self.model
        try:
            updated = (
                model._default_manager.db_manager(router.db_for_write(model))
                .filter(session_key=self.session_key)
                .update(session_data=self.encode(data), expire_date=self.get_expiry_date())
            )
        except DatabaseError as exc:  # as Django's: the middleware answers SessionInterrupted
            raise UpdateError from exc
        if not updated:  # ended meanwhile (signed out elsewhere, cleared): as Django's
            raise UpdateError
