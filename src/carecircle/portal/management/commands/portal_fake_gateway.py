"""`carecircle portal_fake_gateway [--port 8025]`: the fake SMS gateway (portal/fake_gateway.py) in
the foreground, for the demo and trials; set CARECIRCLE_SMS_GATEWAY_URL to the address it prints."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carecircle.portal.fake_gateway import FakeGateway


class Command(BaseCommand):
    help = "本机模拟短信网关（测试与演示用，只监听 127.0.0.1）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--rate", type=float, default=0.0, help="每秒最多发送条数（0：不限）")

    def handle(self, *args: Any, **options: Any) -> None:
        gateway = FakeGateway(options["port"]).start()
        gateway.state.control({"rate": options["rate"]})
        self.stdout.write(f"CARECIRCLE_SMS_GATEWAY_URL={gateway.url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            gateway.stop()
