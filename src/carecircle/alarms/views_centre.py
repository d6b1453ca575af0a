"""Pages of the call centre's supervisors (issue 18): the live wallboard (its figures refreshed in
place by htmx) and the staffing calculator (Erlang C from the measured load)."""

from __future__ import annotations

import datetime
import math

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import erlang, selectors, wallboard
from carecircle.core import scope, tables
from carecircle.core.errors import InvalidInput
from carecircle.core.forms import INVALID_STATUS
from carecircle.core.types import AuthedRequest

REFRESH_SECONDS = 5
DEFAULT_WINDOW_DAYS = 28


@login_required
def wallboard_page(request: AuthedRequest) -> HttpResponse:
    board = wallboard.wallboard(user=request.user)
    return render(request, "alarms/wallboard.html", {"b": board, "refresh": REFRESH_SECONDS})


@login_required
def wallboard_figures(request: AuthedRequest) -> HttpResponse:
    """The wallboard's figures alone: what htmx swaps in every few seconds."""
    board = wallboard.wallboard(user=request.user)
    return render(request, "alarms/_wallboard_figures.html", {"b": board, "refresh": REFRESH_SECONDS})


def _number(
    params: QueryDict, name: str, label: str, default: float, lo: float, hi: float, *, whole: bool = False
) -> float:
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not lo <= value <= hi or (whole and value != int(value)):
        kind = _("整数") if whole else _("数")
        raise InvalidInput(
            _("%(f)s应为 %(lo)s 到 %(hi)s 之间的%(k)s：%(v)s")
            % {"f": label, "lo": f"{lo:g}", "hi": f"{hi:g}", "k": kind, "v": raw[:40]},
            field=name,
        )
    return value


@login_required
def staffing(request: AuthedRequest) -> HttpResponse:
    """How many operators a shift needs: the load measured over a window of days and hours
    (prefilled, editable), the answer targets of the centre's Policy, Erlang C."""
    scope.require_perm(request.user, "alarms.supervise")
    params = request.GET
    today = timezone.localdate()
    targets = selectors.centre_targets(request.user)
    ctx: dict[str, object] = {"params": params, "targets": targets}
    try:
        end = tables.parse_date(params["end"], "end") if params.get("end") else today
        start = (
            tables.parse_date(params["start"], "start")
            if params.get("start")
            else end - datetime.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        )
        if start > end:
            raise InvalidInput(_("开始日期不能晚于结束日期"), field="start")
        if (end - start).days > 366:
            raise InvalidInput(_("统计区间不能超过一年"), field="start")
        hour_from = int(_number(params, "hour_from", _("开始时刻"), 0, 0, 23, whole=True))
        hour_to = int(_number(params, "hour_to", _("结束时刻"), 24, 1, 24, whole=True))
        if hour_from >= hour_to:
            raise InvalidInput(_("结束时刻应晚于开始时刻"), field="hour_to")
        load = wallboard.measured_load(
            user=request.user, start=start, end=end, hour_from=hour_from, hour_to=hour_to
        )
        ctx.update(start=start, end=end, hour_from=hour_from, hour_to=hour_to, load=load)
        rate = _number(params, "rate", _("每小时警情数"), load["calls_per_hour"], 0, 100_000)
        handling = _number(
            params, "handling", _("平均处置时长（秒）"), load["handling_seconds"] or 300.0, 1, 86_400
        )
        ctx.update(rate=rate, handling=handling)
        if rate * handling / 3600 > 10_000:
            raise InvalidInput(_("话务量超过 10000 爱尔兰，请检查每小时警情数和处置时长"), field="rate")
        ctx["result"] = erlang.agents_needed(calls_per_hour=rate, handling_seconds=handling, targets=targets)
    except InvalidInput as exc:
        ctx.update(error=str(exc.message), error_field=exc.field)
        return render(request, "alarms/staffing.html", ctx, status=INVALID_STATUS)
    return render(request, "alarms/staffing.html", ctx)
