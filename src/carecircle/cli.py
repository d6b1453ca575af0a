"""The `carecircle` command. Every sub-command is a Django management command
(demo, serve, worker, generate, migrate, import_people, import_regions, …);
`carecircle manage …` reaches any other Django command."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] == "manage":
        argv = [argv[0], *argv[2:]]
    if len(argv) == 1:
        argv.append("help")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
