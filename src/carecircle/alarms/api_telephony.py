"""The telephone system's API (来电弹屏): call events, authenticated by the trunk's own token
(TrunkAuth, as devices are by theirs); and the registration of a trunk by a supervisor (staff token
or session). Mounted by alarms/api.py.

    POST /api/v1/telephony/events   Authorization: Bearer <trunk token>
    {"event_id": "e-1", "kind": "ringing" | "answered" | "ended", "call_id": "c-1",
     "caller": "13800001234", "at": "2026-03-10T10:00:00+08:00",
     "operator": "<account>" or "extension": "8001"   (for answered)}

201: stored; 200: the same event again (`duplicate`: true, nothing stored twice); 409: the event id
was used for another event; 422: a bad field (named in `field`); 401: an unknown or retired trunk
token; 403: a staff token (this endpoint is the telephone system's).
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from carecircle.alarms import services
from carecircle.core import services as core_services
from carecircle.core.errors import Forbidden

router = Router(tags=["telephony"])


class TrunkAuth(HttpBearer):
    """`Authorization: Bearer <trunk token>`. Unknown tokens get 401; a staff token is authenticated
    but may not send call events (403)."""

    def authenticate(self, request, token):
        trunk = services.trunk_for_token(token)
        if trunk is not None:
            request.trunk = trunk
            return trunk
        if core_services.token_user(token) is not None:
            raise Forbidden(_("此接口仅供电话系统使用，请使用中继令牌"))
        return None


class CallEventIn(Schema):
    event_id: str
    kind: str
    call_id: str
    at: datetime.datetime
    caller: str = ""
    operator: str = ""
    extension: str = ""


class CallEventOut(Schema):
    ack: bool
    duplicate: bool
    late: bool  # arrived after a later event of the same call: stored, the call's state kept right
    call: int
    call_id: str
    state: str
    message: str


@router.post("/telephony/events", auth=TrunkAuth(), response={200: CallEventOut, 201: CallEventOut})
def call_event(request, payload: CallEventIn):
    outcome = services.call_event_receive(
        trunk=request.trunk,
        event_id=payload.event_id,
        kind=payload.kind,
        call_id=payload.call_id,
        at=payload.at,
        caller=payload.caller,
        operator=payload.operator,
        extension=payload.extension,
    )
    call = outcome.call
    if not outcome.created:
        message = _("该事件已接收过，未重复记录")
    elif outcome.late:
        message = _("事件晚于同一通话的后续事件到达，已记录，通话状态按时间顺序计算")
    else:
        message = _("已接收")
    return Status(
        201 if outcome.created else 200,
        {
            "ack": True,
            "duplicate": not outcome.created,
            "late": outcome.late,
            "call": call.pk,
            "call_id": call.call_ref,
            "state": call.state,
            "message": message,
        },
    )


class TrunkIn(Schema):
    name: str
    region_code: str


class TrunkOut(Schema):
    id: int
    name: str
    region_code: str
    token: str  # shown once; only its hash is stored


@router.post("/telephony/trunks", response={201: TrunkOut})
def trunk_register(request, payload: TrunkIn):
    trunk, token = services.trunk_register(
        actor=request.user, name=payload.name, region_code=payload.region_code, request=request
    )
    return Status(201, {"id": trunk.pk, "name": trunk.name, "region_code": trunk.region_code, "token": token})
