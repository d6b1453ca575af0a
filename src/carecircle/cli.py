"""The `carecircle` command. Every sub-command is a Django management command
(demo, serve, worker, generate, migrate, import_people, import_regions, …);
`carecircle manage …` reaches any other Django command.

Before any command that touches data runs, the vault key is checked against the fingerprint the
database records (core/keyring.py): a missing or different key stops the command with a message
saying what to do. After `migrate`, a database that has no fingerprint yet gets one."""

import os
import sys

# Commands that read no personal data, or check the key themselves (backup, restore, vault).
UNCHECKED = {
    "help",
    "--help",
    "-h",
    "version",
    "--version",
    "makemigrations",
    "check",
    "sqlmigrate",
    "squashmigrations",
    "optimizemigration",
    "showmigrations",
    "makemessages",
    "compilemessages",
    "collectstatic",
    "findstatic",
    "diffsettings",
    "backup",
    "restore",
    "vault",
}


def _check_key() -> None:
    from django.db import DatabaseError, connections  # noqa: PLC0415 — start-up cost: Django is loaded only for the sub-command run

    from carecircle.core import keyring  # noqa: PLC0415 — start-up cost: Django is loaded only for the sub-command run

    try:
        keyring.check(out=sys.stdout)
    except keyring.KeyRefused as exc:
        sys.stderr.write(f"{exc.message}\n")
        sys.exit(3)
    except DatabaseError as exc:
        sys.stderr.write(
            f"无法连接数据库，未能核对个人信息加密密钥：{exc}\n请检查 DATABASE_URL 和数据库服务后再启动。\n"
        )
        sys.exit(3)
    finally:
        connections.close_all()  # no connection is carried into the command (a worker forks its pool)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 — start-up cost: Django is loaded only for the sub-command run

    if len(argv) > 1 and argv[1] == "manage":
        argv = [argv[0], *argv[2:]]
    if len(argv) == 1:
        argv.append("help")
    command = argv[1]
    if command not in UNCHECKED:
        import django  # noqa: PLC0415 — start-up cost: Django is loaded only for the sub-command run

        django.setup()
        _check_key()
    execute_from_command_line(argv)
    if command == "migrate":
        _check_key()  # the first migrate records the fingerprint (and creates the key)


if __name__ == "__main__":
    main()
