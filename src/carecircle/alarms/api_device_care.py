"""The device's test signal (issue 18, item 4): `POST /api/v1/devices/test`, authenticated by the
device's own token (alarms.api.DeviceAuth, given when api.py adds this router). A token of no
registered device is refused (401) and nothing is stored; a staff token is refused (403). A test is
never an alarm: it opens no incident. The same test id again is acknowledged (200), not stored twice."""

import datetime

from ninja import Router, Schema, Status

from carecircle.alarms import services
from carecircle.core.limits import Count

router = Router(tags=["alarms"])


class DeviceTestIn(Schema):
    test_id: str
    device_time: datetime.datetime
    battery: Count | None = None


class DeviceTestOut(Schema):
    ack: bool
    duplicate: bool
    test_call_passed: bool  # a test call was waiting for this device and is now passed


@router.post("/devices/test", response={200: DeviceTestOut, 201: DeviceTestOut})
def device_test(request, payload: DeviceTestIn):
    test, created = services.device_test_receive(
        device=request.device,
        test_id=payload.test_id,
        device_time=payload.device_time,
        battery=payload.battery,
    )
    return Status(
        201 if created else 200,
        {"ack": True, "duplicate": not created, "test_call_passed": test.call_id is not None},
    )
