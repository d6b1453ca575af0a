import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carecircle.core import leases
from carecircle.core.errors import DomainError
from carecircle.core.models import User
from carecircle.core.region_import import region_import
from carecircle.registry import importjobs
from carecircle.registry.imports import inspect_file, rejections_csv
from carecircle.registry.models import ImportJob


class Command(BaseCommand):
    help = "导入数据：carecircle import regions 文件 | carecircle import people 文件 --user 账号"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["regions", "people"])
        parser.add_argument("file")
        parser.add_argument(
            "--user", help="以哪个账号的权限导入（决定可导入的区域）；导入区划时不填则以系统身份导入"
        )
        parser.add_argument("--report", help="把被拒绝的行写入这个 CSV 文件")
        parser.add_argument(
            "--resume",
            type=int,
            metavar="任务号",
            help="继续一个中断的人员导入任务（从最后保存的一批之后继续，计数不重复）",
        )

    def handle(self, *args, what, file, user, report, resume=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            if what == "regions":
                result = region_import(path, actor=self._actor(user) if user else None)
                self.stdout.write(
                    f"区划：新增 {result['created']}，更新 {result['updated']}，"
                    f"无变化 {result['unchanged']}，拒绝 {len(result['rejected'])}"
                )
                for r in result["rejected"][:50]:
                    self.stdout.write(f"  第{r['row']}行 {r['field']}：{r['reason']}")
                return
            self._people(path, user, report, resume)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    @staticmethod
    def _actor(username):
        actor = User.objects.filter(username=username or "", is_active=True).first()
        if actor is None:
            raise CommandError(
                f"没有这个账号：{username}"
                if username
                else "请用 --user 指定一个有导入权限的账号（它的管辖区域决定能导入哪些社区）"
            )
        return actor

    def _people(self, path, username, report, resume):
        actor = self._actor(username)
        total = inspect_file(path)
        if resume:
            found = ImportJob.objects.filter(pk=resume, created_by=actor).first()
            if found is None or found.stored_path != str(path.resolve()):
                raise CommandError(f"没有账号 {actor.username} 导入这个文件的任务 {resume}")
            job = importjobs.job_claim(resume, failed_too=True)
            if job is None:
                raise CommandError(f"任务 {resume} 已完成，或正由另一个进程运行")
            self.stdout.write(f"从第 {job.resume_row} 行之后继续（已处理 {job.processed_rows:,} 行）")
        else:
            # Held by this command from the start: a heartbeat shows it alive; if it is killed, the
            # job is marked interrupted and `--resume` (or the job page) goes on from its last batch.
            job = ImportJob.objects.create(
                file_name=path.name,
                stored_path=str(path.resolve()),
                created_by=actor,
                total_rows=total,
                origin="cli",
                state=ImportJob.State.RUNNING,
                owner=leases.owner_token(),
                heartbeat_at=timezone.now(),
                attempts=1,
            )
        started = time.monotonic()

        def progress(done, total):
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"  {done:,}/{total:,} 行 ({100 * done / max(total, 1):.0f}%) {rate:,.0f} 行/秒"
            )

        try:
            job = importjobs.job_run(job, progress)
        except KeyboardInterrupt:
            raise CommandError(f"已中断。运行同一命令并加上 --resume {job.pk} 可从中断处继续。") from None
        self.stdout.write(
            f"完成：新增 {job.created_count}，更新 {job.updated_count}，无变化 {job.unchanged_count}，"
            f"拒绝 {job.rejected_count}（任务 {job.pk}）"
        )
        if job.error:
            raise CommandError(job.error)
        if report and job.rejected_count:
            Path(report).write_bytes(rejections_csv(job))
            self.stdout.write(f"被拒绝的行已写入 {report}")
