from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from carecircle.core import tasks


class Command(BaseCommand):
    help = "启动 Web 服务（ASGI/uvicorn）；无消息队列时在进程内运行后台和定时任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        import uvicorn  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

        scheduler = None
        if not settings.CELERY_BROKER_URL:
            scheduler = tasks.InProcessScheduler()
            scheduler.start()
        self.stdout.write(f"CareCircle 服务地址：http://{host}:{port}/  （Ctrl+C 停止）")
        try:
            uvicorn.run(
                "carecircle.core.asgi:application",
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                lifespan="off",
                log_config=None,
            )  # uvicorn logs through the LOGGING setting (JSON lines)
        finally:
            if scheduler:
                scheduler.stop()
            tasks.wait_for_pool()
