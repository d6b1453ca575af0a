"""`carecircle restore SRC`: see core/backup.py."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecircle.core import backup, keyring


class Command(BaseCommand):
    requires_system_checks = []  # a recovery tool: must run even when another check fails
    help = "从 carecircle backup 写的文件夹恢复；先核对密钥与备份相符，不符则不写入任何数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", help="备份文件夹")
        parser.add_argument("--replace", action="store_true", help="目标数据库已有数据时，确认整个替换它")

    def handle(self, *args: Any, src: str, replace: bool, **options: Any) -> None:
        try:
            manifest = backup.read_manifest(src)
            self.stdout.write(
                f"恢复 {src}（{manifest['created_at']} 的 {manifest['engine']} 备份，"
                f"密钥指纹 {keyring.short(manifest['vault_fingerprint'])}）…"
            )
            backup.restore(src, replace=replace, out=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write("恢复完成。如备份来自较早的版本，请运行 carecircle migrate；然后启动服务。")
