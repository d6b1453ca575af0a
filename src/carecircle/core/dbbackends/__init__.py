"""Django's SQLite and PostgreSQL backends with connections kept between requests (core/dbpool.py)."""
