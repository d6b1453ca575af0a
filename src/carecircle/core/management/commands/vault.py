"""`carecircle vault status` and `carecircle vault rotate` (see core/keyrotation.py)."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from carecircle.core import datadir, keyring, keyrotation, vault

NEXT_ENV = "CARECIRCLE_VAULT_KEY_NEXT"


class Command(BaseCommand):
    requires_system_checks = []  # a recovery tool: must run even when another check fails
    help = "个人信息加密密钥：status 查看密钥与数据库是否相符；rotate 换用新密钥（可中断后继续）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="密钥来源、指纹，数据库记录的指纹，轮换进度")
        rotate = sub.add_parser(
            "rotate", help="把全部加密列和盲索引换到新密钥下（先停止服务和后台任务；中断后再运行即继续）"
        )
        rotate.add_argument("--batch", type=int, default=keyrotation.BATCH, help="每批行数")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        try:
            if action == "status":
                self.status()
            else:
                self.rotate(opts["batch"])
        except keyring.KeyRefused as exc:
            raise CommandError(exc.message) from None

    def status(self) -> None:
        key = settings.VAULT_KEY
        state = keyring.recorded_state()
        self.stdout.write(f"数据文件夹：{datadir.data_home()}")
        self.stdout.write(f"密钥文件夹：{datadir.keys_home()}")
        self.stdout.write(
            f"当前密钥：{datadir.key_source()}，指纹 {keyring.short(vault.fingerprint(key)) if key else '（无）'}"
        )
        if state is None:
            self.stdout.write("数据库尚未记录密钥指纹（首次 migrate 或启动时记录）。")
            return
        self.stdout.write(
            f"数据库记录的指纹：{keyring.short(state.fingerprint)}（{timezone.localtime(state.recorded_at):%Y-%m-%d %H:%M}）"
        )
        self.stdout.write(
            "相符" if key and vault.fingerprint(key) == state.fingerprint else "不相符：其他命令将拒绝启动"
        )
        if state.next_fingerprint:
            self.stdout.write(
                f"轮换进行中，新密钥指纹 {keyring.short(state.next_fingerprint)}；已完成：{state.rotation_progress}"
            )

    def _next_key(self) -> tuple[str, str]:
        if os.environ.get(NEXT_ENV):
            return os.environ[NEXT_ENV], f"环境变量 {NEXT_ENV}"
        path = datadir.keys_home(create=True) / (datadir.VAULT_KEY_FILE + ".next")
        if datadir.write_key_file(path, datadir.new_key(32)):
            self.stdout.write(f"已生成新密钥 {path}")
        return path.read_text().strip(), str(path)

    def rotate(self, batch: int) -> None:
        state = keyring.recorded_state()
        if state is None:
            raise CommandError("数据库还没有记录密钥指纹：请先运行 carecircle migrate。")
        new_key, new_source = self._next_key()
        old_key = settings.VAULT_KEY
        if not state.next_fingerprint and state.fingerprint == vault.fingerprint(new_key):
            self.stdout.write("数据库已换用新密钥（上次在替换密钥文件前中断），现在替换密钥文件。")
            self._swap_files(old_key, new_key, new_source)
            return
        if not old_key:
            raise CommandError(keyring.missing_message(state.fingerprint))
        self.stdout.write(
            f"轮换个人信息加密密钥：{keyring.short(vault.fingerprint(old_key))} → {keyring.short(vault.fingerprint(new_key))}"
            f"（新密钥：{new_source}）。请确认服务和后台任务已停止。"
        )
        done = keyrotation.run(
            old_key=old_key, new_key=new_key, batch=batch, progress=keyrotation.Progress(self.stdout.write)
        )
        self.stdout.write(
            f"已重新加密：{sum(done.values()):,} 行；数据库记录的指纹已换为 {keyring.short(vault.fingerprint(new_key))}。"
        )
        self._swap_files(old_key, new_key, new_source)

    def _swap_files(self, old_key: str, new_key: str, new_source: str) -> None:
        keys = datadir.keys_home(create=True)
        current, nxt = keys / datadir.VAULT_KEY_FILE, keys / (datadir.VAULT_KEY_FILE + ".next")
        if os.environ.get(datadir.VAULT_KEY_ENV) or os.environ.get(NEXT_ENV):
            self.stdout.write(
                f"请把环境变量 {datadir.VAULT_KEY_ENV} 改为新密钥（{new_source}），然后再启动服务。旧密钥"
                f"（指纹 {keyring.short(vault.fingerprint(old_key))}）请与轮换前的备份一起保管：恢复那些备份要用它。"
            )
            settings.VAULT_KEY = new_key
            return
        if current.exists() and vault.fingerprint(current.read_text().strip()) != vault.fingerprint(new_key):
            stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
            old_fp = vault.fingerprint(current.read_text().strip())
            retired = keys / f"{datadir.VAULT_KEY_FILE}.retired-{stamp}-{keyring.short(old_fp)}"
            os.replace(current, retired)
            self.stdout.write(f"旧密钥已改名为 {retired}：恢复轮换前的备份要用它，请与那些备份一起保管。")
        if nxt.exists():
            os.replace(nxt, current)
        settings.VAULT_KEY = new_key
        self.stdout.write(f"新密钥已就位：{current}。轮换完成。")
