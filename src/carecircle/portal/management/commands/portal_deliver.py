"""`carecircle portal_deliver [--loop]`: deliver the outbox's due messages (portal/outbox.py) once,
or keep doing so; the periodic task does the same inside `carecircle worker`/`serve`."""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carecircle.portal import outbox


class Command(BaseCommand):
    help = "投递待发送的消息（短信等站外渠道）"
    requires_system_checks: list[str] = []  # a worker needs no URL configuration

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，空闲时每隔 --idle 秒查看一次")
        parser.add_argument("--idle", type=float, default=1.0)
        parser.add_argument("--claim", type=int, default=outbox.CLAIM_BATCH, help="每次认领的条数")
        parser.add_argument(
            "--batch", type=int, default=None, help="每次请求网关的条数（默认 CARECIRCLE_SMS_BATCH）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            stats = outbox.deliver_due(limit=options["claim"], batch=options["batch"])
            if stats.claimed:
                self.stdout.write(json.dumps(stats.__dict__), ending="\n")
                self.stdout.flush()
            if not options["loop"]:
                return
            if not stats.claimed:
                time.sleep(options["idle"])
