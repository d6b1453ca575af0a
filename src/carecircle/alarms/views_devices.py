"""Device care pages (issue 18, item 4): the list of devices that need care, a device's page with its
tests and test calls, and the test call's steps, one view per action: start (on the device),
confirm or fail (on the waiting call)."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.alarms import device_care, forms_care, list_specs_care, services
from carecircle.alarms.models import Device
from carecircle.core import list_pages
from carecircle.core.forms import INVALID_STATUS, ServiceForm
from carecircle.core.types import AuthedRequest


@login_required
def device_care_list(request: AuthedRequest) -> HttpResponse:
    """The devices with no monthly test, a low battery or offline (GET; POST exports)."""
    return list_pages.page(
        request,
        list_specs_care.DEVICE_CARE,
        context={"low_battery": device_care.low_battery(), "test_days": device_care.test_days()},
        template="alarms/device_care.html",
    )


def _device_page(
    request: AuthedRequest, device: Device, *, failed: ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    ctx = device_care.device_page(device)
    ctx["actions"] = device_care.device_actions(request.user, device, ctx["waiting"])
    ctx["call_actions"] = (
        device_care.test_call_actions(request.user, ctx["waiting"]) if ctx["waiting"] else frozenset()
    )
    ctx["failed"] = failed
    return render(request, "alarms/device_detail.html", ctx, status=status)


@login_required
def device_detail(request: AuthedRequest, device_id: int) -> HttpResponse:
    return _device_page(request, device_care.device_get(user=request.user, device_id=device_id))


@login_required
@require_POST
def device_test_call(request: AuthedRequest, device_id: int) -> HttpResponse:
    """The operator starts a test call: a test signal is now expected from the device."""
    device = device_care.device_get(user=request.user, device_id=device_id)
    form = forms_care.DeviceTestCallForm(request.POST)
    if not form.submit(
        partial(services.device_test_call_start, actor=request.user, device_id=device.pk, request=request)
    ):
        return _device_page(request, device, failed=form, status=INVALID_STATUS)
    messages.success(request, _("已发起测试呼叫，请让老人按下测试键；收到测试信号后自动记为通过"))
    return redirect("alarms:device_detail", device_id=device.pk)


def _result(
    request: AuthedRequest, test_call_id: int, service: Callable[..., Any], said: str
) -> HttpResponse:
    call = device_care.test_call_get(user=request.user, test_call_id=test_call_id)
    form = forms_care.DeviceTestResultForm(request.POST)
    if not form.submit(partial(service, actor=request.user, test_call_id=call.pk, request=request)):
        return _device_page(request, call.device, failed=form, status=INVALID_STATUS)
    messages.success(request, said)
    return redirect("alarms:device_detail", device_id=call.device_id)


@login_required
@require_POST
def test_call_confirm(request: AuthedRequest, test_call_id: int) -> HttpResponse:
    return _result(request, test_call_id, services.device_test_call_confirm, _("已确认测试通过"))


@login_required
@require_POST
def test_call_fail(request: AuthedRequest, test_call_id: int) -> HttpResponse:
    return _result(request, test_call_id, services.device_test_call_fail, _("已记录测试未通过"))
