"""`carecircle coverage import FILE.osm.pbf --region CODE` · `carecircle coverage run --region CODE
--group elder --kind community_centre` · `carecircle coverage snapshot --region CODE [--date D]`"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carecircle.core.errors import DomainError
from carecircle.planning import coverage_services, services


class Command(BaseCommand):
    help = "15分钟服务圈：导入OSM步行路网、测算覆盖、生成指标快照"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入OSM PBF步行路网")
        imp.add_argument("file")
        imp.add_argument("--region", required=True)
        imp.add_argument("--name", default="")
        run = sub.add_parser("run", help="测算15分钟覆盖")
        run.add_argument("--region", required=True)
        run.add_argument("--group", default="elder", choices=["elder", "infant"])
        run.add_argument("--kind", default="community_centre")
        run.add_argument("--minutes", type=int, default=15)
        run.add_argument("--date", default="")
        snap = sub.add_parser("snapshot", help="生成指标快照")
        snap.add_argument("--region", required=True)
        snap.add_argument("--date", default="")

    def handle(self, *args, **opts):
        day = datetime.date.fromisoformat(opts["date"]) if opts.get("date") else timezone.localdate()
        try:
            if opts["action"] == "import":
                net = coverage_services.network_import_pbf(
                    actor=None, path=opts["file"], region_code=opts["region"], name=opts["name"]
                )
                self.stdout.write(f"路网 #{net.pk}：{net.node_count:,} 个节点，{net.edge_count:,} 条路段")
            elif opts["action"] == "run":
                r = coverage_services.coverage_run(
                    actor=None,
                    region_code=opts["region"],
                    group=opts["group"],
                    kind=opts["kind"],
                    day=day,
                    minutes=opts["minutes"],
                )
                share = f"{100 * r.covered / r.population:.1f}%" if r.population else "—"
                self.stdout.write(
                    f"测算 #{r.pk}：{r.covered:,}/{r.population:,} 人在{r.minutes}分钟内可达（{share}），"
                    f"{r.facilities} 处设施，用时 {r.seconds:.2f} 秒"
                )
            else:
                n = services.snapshot_take(actor=None, day=day, region_code=opts["region"])
                self.stdout.write(f"快照 {day}：{n} 项")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
