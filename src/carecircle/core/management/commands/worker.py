from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecircle.core import tasks
from carecircle.core.datadir import data_home


class Command(BaseCommand):
    help = "启动后台任务进程：有 CELERY_BROKER_URL 时为 Celery worker（含定时任务），否则为进程内调度器。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument(
            "--queues",
            default="",
            help="只处理这些队列（逗号分隔）：默认队列 celery 和 CARECIRCLE_REGION_QUEUES 中的区县队列；"
            "不指定时处理全部队列",
        )
        parser.add_argument(
            "--no-beat", action="store_true", help="不在本进程运行定时任务（多台机器时只留一台运行）"
        )

    def handle(self, *args: Any, concurrency: int, queues: str, no_beat: bool, **options: Any) -> None:
        if not settings.CELERY_BROKER_URL:
            self.stdout.write("未配置 CELERY_BROKER_URL：在本进程内运行定时任务（Ctrl+C 停止）。")
            scheduler = tasks.InProcessScheduler()
            try:
                scheduler.run()
            except KeyboardInterrupt:
                scheduler.stop()
            return

        known = settings.CARECIRCLE_TASK_QUEUES  # "celery" and the queues of CARECIRCLE_REGION_QUEUES
        chosen = [q.strip() for q in queues.split(",") if q.strip()] or known
        unknown = [q for q in chosen if q not in known]
        if unknown:
            raise CommandError(
                f"未知的队列：{', '.join(unknown)}。可用的队列：{', '.join(known)}"
                "（区县队列在 CARECIRCLE_REGION_QUEUES 中设置）"
            )
        argv = [
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            # beat's schedule file (celerybeat-schedule.*) in the data folder, not the current directory
            f"--schedule={data_home() / 'celerybeat-schedule'}",
            f"--queues={','.join(chosen)}",
            # one node name per set of queues: several workers on one machine do not collide
            f"--hostname={'+'.join(chosen)}@%h",
        ]
        self.stdout.write(
            f"处理队列：{', '.join(chosen)}；定时任务（beat）：{'否' if no_beat else '是，只应有一个'}"
        )
        if not no_beat:
            argv.append("--beat")
        try:
            tasks.celery_app.worker_main(argv)
        except KeyboardInterrupt:
            raise CommandError("已停止") from None
