import io
import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecircle.core import demo, keyring
from carecircle.core.datadir import data_home
from carecircle.core.management.commands.generate import CITY_CODE, DEMO_ACCOUNTS
from carecircle.core.models import Region


class Command(BaseCommand):
    def accounts(self) -> list[Sequence[str]]:
        """(role label, username, password, region name) of each demo account."""
        saved = data_home() / "demo-accounts.json"
        if saved.exists():
            written: list[Sequence[str]] = json.loads(saved.read_text())
            return written
        return [
            (str(role.label), username, demo.DEMO_PASSWORD, "") for username, role, _w, _l in DEMO_ACCOUNTS
        ]

    help = "演示：迁移内置数据库，没有城市时生成模拟城市，启动服务并打印登录账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--scale", type=float, default=0.002)
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args: Any, port: int, host: str, scale: float, no_serve: bool, **options: Any) -> None:
        self.stdout.write(f"数据文件夹：{data_home()}")
        self.stdout.write("迁移数据库…")
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
        try:  # a key is created only for a database without personal data
            keyring.check(out=self.stdout)
        except keyring.KeyRefused as exc:
            raise CommandError(exc.message) from None
        if not Region.objects.filter(code=CITY_CODE).exists():
            call_command("generate", scale=scale, stdout=self.stdout)
        else:
            self.stdout.write("已有模拟城市，跳过生成。")
        self.stdout.write(f"\n登录账号（密码均为 {demo.DEMO_PASSWORD}）：")
        accounts = self.accounts()
        for role, username, _password, where in accounts:
            self.stdout.write(f"  {username:<10} {role} · {where}")
        # The second factor that roles able to unmask or export must have is relaxed for these demo
        # accounts only, and only in this process (the server below runs in it); `carecircle serve`
        # on the same data asks it of them again.
        settings.CARECIRCLE_TOTP_EXEMPT_USERNAMES = frozenset(username for _r, username, _p, _w in accounts)
        self.stdout.write(
            "\n注意：演示模式下，以上演示账号登录时不要求动态口令（双因素认证）。正式部署中，"
            "可查看完整个人信息或导出个人信息的账号必须先启用动态口令。"
        )
        self.stdout.write(f"\n打开 http://{host}:{port}/ 登录。\n")
        if not no_serve:
            call_command("serve", host=host, port=port)
