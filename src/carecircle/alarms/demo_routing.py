"""The synthetic city's routing (issue 18): an alarm-receiving centre for every district that has
operators, each overflowing to the next district's centre, the operators signed on a shift at their
district's centre, and the open incidents that have waited past the threshold rung — so the console
shows them ringing and the wallboard its operators on shift."""

from carecircle.alarms import routing, services
from carecircle.alarms.models import Centre
from carecircle.core import regions
from carecircle.core.demo import City
from carecircle.core.models import Region, RoleGrant, User


def generate(city: City) -> None:
    admin = User.objects.filter(grants__role="city_admin").first()
    grants = list(RoleGrant.objects.filter(role="operator").select_related("user").order_by("user_id"))
    districts = sorted({regions.district_of(g.region_id) for g in grants if len(g.region_id) == 12})
    if admin is None or not districts:
        city.say("  没有坐席，跳过接警中心")
        return
    names = dict(Region.objects.filter(code__in=districts).values_list("code", "name"))
    centres: list[Centre] = []
    for code in districts:
        centres.append(
            services.centre_save(actor=admin, region_code=code, name=f"{names.get(code, code)}接警中心")
        )
    if len(centres) > 1:  # each overflows to the next district's centre
        for centre, overflow in zip(centres, centres[1:] + centres[:1], strict=True):
            services.centre_save(
                actor=admin,
                region_code=centre.region_code,
                name=centre.name,
                overflow=overflow,
                ring_after_seconds=centre.ring_after_seconds,
                overflow_after_seconds=centre.overflow_after_seconds,
            )
    routing.clear_cache()
    by_code = {c.region_code: c for c in centres}
    signed = 0
    for g in grants:
        home = by_code.get(regions.district_of(g.region_id))
        if home is not None and routing.open_shift(g.user) is None:
            services.shift_sign_on(actor=g.user, centre=home)
            signed += 1
    rung = routing.route_due()
    city.say(
        f"  接警中心 {len(centres)} 个，在岗坐席 {signed} 人，振铃警情 {len({r.incident_id for r in rung})} 起"
    )
