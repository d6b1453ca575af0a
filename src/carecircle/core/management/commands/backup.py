"""`carecircle backup DEST`: see core/backup.py."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecircle.core import backup, keyring


class Command(BaseCommand):
    requires_system_checks = []  # a recovery tool: must run even when another check fails
    help = "备份数据库和上传文件到一个新文件夹（不含任何密钥）；SQLite 在线备份，PostgreSQL 用 pg_dump"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="备份文件夹（不存在或为空）")

    def handle(self, *args: Any, dest: str, **options: Any) -> None:
        self.stdout.write(f"备份到 {dest} …")
        try:
            manifest = backup.backup(dest, out=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(exc.message) from None
        db = manifest["database"]
        self.stdout.write(
            f"完成：{manifest['engine']} 数据库 {db['bytes'] / 1e6:,.1f} MB（sha256 {db['sha256'][:12]}…），"
            f"上传文件 {(manifest['uploads'] or {}).get('files', 0)} 个。"
        )
        self.stdout.write(
            f"备份不含密钥。恢复时需要指纹为 {keyring.short(manifest['vault_fingerprint'])} 的个人信息加密密钥："
            "请确认它另行保管（carecircle vault status 显示当前密钥的指纹）。"
        )
