from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carecircle.core import tasks


class Command(BaseCommand):
    help = "启动后台任务进程：有 CELERY_BROKER_URL 时为 Celery worker（含定时任务），否则为进程内调度器。"

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--queues", default="", help="只处理这些队列（逗号分隔），如按区划分区")
        parser.add_argument("--no-beat", action="store_true", help="不在本进程运行定时任务（多台机器时只留一台运行）")

    def handle(self, *args, concurrency, queues, no_beat, **options):
        if not settings.CELERY_BROKER_URL:
            self.stdout.write("未配置 CELERY_BROKER_URL：在本进程内运行定时任务（Ctrl+C 停止）。")
            scheduler = tasks.InProcessScheduler()
            try:
                scheduler.run()
            except KeyboardInterrupt:
                scheduler.stop()
            return
        from carecircle.core.datadir import data_home

        argv = ["worker", f"--concurrency={concurrency}", "--loglevel=INFO",
                # beat's schedule file (celerybeat-schedule.*) in the data folder, not the current directory
                f"--schedule={data_home() / 'celerybeat-schedule'}"]
        if queues:
            argv.append(f"--queues={queues}")
        if not no_beat:
            argv.append("--beat")
        try:
            tasks.celery_app.worker_main(argv)
        except KeyboardInterrupt:
            raise CommandError("已停止") from None
