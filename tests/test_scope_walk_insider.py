"""The insiders' side of the scope walk (issue 15, item 6): every page and API operation that the
outsider walk (tests/test_scope_walk.py) is refused answers a user of region A who holds its
permission, so a route or factory that always answers 403/404 fails here."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.scopewalk import api_operations, fill, insider_makers, page_routes


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


# Users of region A (东湖区), tried in this order; a route passes when one of them, holding the
# permission it needs, succeeds. The provider admin holds every home care provider and facility
# operator the factories make (its organisation grants are synced after each factory call).
INSIDERS = ["street", "district", "community", "admin", "operator", "inspector", "provider", "caregiver"]
SUCCESS = {200, 201, 202, 204, 302, 303}
# Routes whose answer to the walk's input is not a success, and why. Each is the answer the route is
# designed to give to what the walk sends (an empty form, a sample JSON body of the schema's first
# values such as "测试", or a record just made by the factory); anything else — above all a 403/404 to
# every insider — fails the walk. Keys: page route (as in urls.py) or "METHOD /api/path".
NOT_SUCCESS = {
    # an empty form or the schema's sample body is shown again / refused with its field errors (422)
    **{
        r: {422}
        for r in [
            "carevisits/rules/generate/",
            "homecare/orders/<int:order_id>/cancel/",
            "homecare/orders/<int:order_id>/reschedule/",
            "homecare/orders/<int:order_id>/reassign/",
            "homecare/orders/<int:order_id>/rate/",
            "homecare/orders/<int:order_id>/decline/",
            "homecare/exceptions/<int:exception_id>/review/",
            "childcare/enrolments/<int:enrolment_id>/move/",
            "planning/region/<str:code>/values/",
            "planning/region/<str:code>/targets/",
            "planning/region/<str:code>/targets/adopt/",
            "planning/coverage/run/",
            "planning/coverage/<int:coverage_run_id>/siting/",
            "workforce/new/",
            "workforce/<int:caregiver_id>/certificates/",
            "workforce/certificates/<int:certificate_id>/verify/",  # no evidence given: the form again
            "workforce/roster/assign/",  # no workplace chosen: the roster page with the error
            "workforce/<int:caregiver_id>/integrity/",  # an empty record form: shown again with its errors
            # the empty check-in/out form on an order with no caregiver yet: shown again on the order page
            # (it crashed with a 500 before: homecare/views.py:_act took the caregiver's visits page)
            "homecare/orders/<int:order_id>/check-in/",
            "homecare/orders/<int:order_id>/check-out/",
            # an incident action's empty form: no call target, no outcome, no note (shown again on the card)
            "alarms/incidents/<int:incident_id>/call/",
            "alarms/incidents/<int:incident_id>/resolve/",
            "alarms/incidents/<int:incident_id>/note/",
            "alarms/devices/register/",  # no ID number, no serial: the device list with the form's errors
            "alarms/outreach/<int:outreach_call_id>/record/",  # no result chosen: the call's page again
            "alarms/shift/sign-on/",  # no centre chosen (and none set up): the shift page with the error
            "alarms/centres/save/",  # no district, no name: the centres page with the form's errors
            "childcare/vouchers/redeem/",
            # 我要申请's answers with an empty form: no date / no class / no reason (the list again, 422)
            "assessment/requests/<int:assessment_request_id>/accept/",
            "assessment/requests/<int:assessment_request_id>/refuse/",
            "childcare/applications/<int:childcare_application_id>/offer/",
            "childcare/applications/<int:childcare_application_id>/refuse/",
            # the facility page's actions with an empty form (no change, no scores, no beds, no person, no
            # reason, no answer): the facility page again with the form's errors
            "map/facilities/<int:facility_id>/change/",
            "map/facilities/<int:facility_id>/evaluate/",
            "map/facilities/<int:facility_id>/beds/",
            "map/facilities/<int:facility_id>/admit/",
            "map/facilities/<int:facility_id>/waiting/",
            "map/stays/<int:stay_id>/discharge/",
            "map/offers/<int:offer_id>/respond/",
            "childcare/classes/<int:class_id>/enrol/",
            "childcare/enrolments/<int:enrolment_id>/end/",
        ]
    },
    # nobody waits for the factory's facility (or it has no free bed): nobody to notify (409)
    "map/facilities/<int:facility_id>/offer/": {409},
    # registry: an empty form on the person page (no purpose, no status, no contact, no end date) is
    # shown again with its field errors; the factory's import job has nothing to resume (422)
    **{
        r: {422}
        for r in [
            "people/<int:person_id>/unmask/",
            "people/<int:person_id>/statuses/",
            "people/<int:person_id>/contacts/",
            "people/<int:person_id>/statuses/<int:status_id>/end/",
            "people/imports/<int:job_id>/retry/",
        ]
    },
    # no status: not a step the factory's referral may take (409, as the API answers)
    "assessment/checks/<int:check_id>/referral/": {409},
    # the factory's incident is acknowledged and nobody is on the way yet: on site is refused (409)
    "alarms/incidents/<int:incident_id>/on-site/": {409},
    # an upload: the walk sends no file, and the file is required (422 naming it)
    "POST /api/v1/imports": {422},
    # the factory's payroll is not yet approved: no bank file and no payment before approval (409)
    "benefits/payrolls/<int:payroll_id>/bank-file.<str:fmt>": {409},
    "GET /api/v1/benefits/payrolls/{payroll_id}/bank-file": {409},
    "POST /api/v1/benefits/payrolls/{payroll_id}/paid": {409},
    "benefits/payrolls/<int:payroll_id>/paid/": {409},
    # an empty form: sending a batch back needs the reason, a recovery names its line, money its amount (422)
    "benefits/payrolls/<int:payroll_id>/reject/": {422},
    "benefits/payrolls/<int:payroll_id>/recover/": {422},
    "benefits/funds/<int:fund_id>/appropriate/": {422},
    "benefits/appeals/<int:appeal_id>/decide/": {422},
    # the factory's order is accepted already when made with a provider that takes it (409)
    "homecare/orders/<int:order_id>/accept/": {409},
    "POST /api/v1/homecare/orders/{order_id}/accept": {409},
    "POST /api/v1/homecare/orders/{order_id}/decline": {409},
    # the factory's check has no finding that needs a referral (409)
    "POST /api/v1/screenings/checks/{check_id}/referral": {409},
    # a device's own endpoints: only a device token may call them, never a staff user (403)
    "POST /api/v1/alarms": {403},
    "POST /api/v1/devices/heartbeat": {403},
    # the telephone system's call events: only a trunk token may send them, never a staff user (403)
    "POST /api/v1/telephony/events": {403},
    # the sample body names a region "测试" that does not exist (422 naming region_code)
    "POST /api/v1/telephony/trunks": {422},
    # a caller card's incident with an empty form: no person chosen (the card again, 422)
    "alarms/calls/<int:call_id>/incident/": {422},
    "POST /api/v1/devices/test": {403},
    # device care and call audit (issue 18): a failed test needs its reason; the draw its month; a
    # review every checklist item (an empty form: 422 naming the field)
    "alarms/test-calls/<int:test_call_id>/fail/": {422},
    "alarms/call-audits/draw/": {422},
    "alarms/call-audits/<int:call_audit_id>/review/": {422},
    # portal accounts (issue 19): verifying a link needs the evidence and a note; opening an account the
    # person's phone (the walk's person may have one already: 409); recording a link its phone (422)
    "portal/account/links/<int:link_id>/verify/": {422},
    "portal/people/<int:person_id>/accounts/open/": {409, 422},
    "portal/people/<int:person_id>/accounts/link/": {422},
    "portal/account/links/new/": {422},
    "portal/sos/raise/": {
        422
    },  # 一键呼叫 without saying for whom: the confirmation page with the error  # an empty link request: the account page with the form's errors
    # oversight (issue 20): a check-in needs the phone's position (422); the factory's inspection is
    # not checked in, so submitting and confirming are not yet its steps (409); an empty item form
    # names no item (422); the factory's finding is open: an empty answer lacks its text and photo,
    # an empty decision its verdict (422)
    "oversight/inspections/<int:inspection_id>/check-in/": {422},
    "oversight/inspections/<int:inspection_id>/record/": {422},
    "oversight/inspections/<int:inspection_id>/submit/": {409},
    "oversight/inspections/<int:inspection_id>/confirm/": {409},
    "oversight/findings/<int:finding_id>/answer/": {422},
    "oversight/findings/<int:finding_id>/decide/": {422},
    "oversight/units/<int:unit_id>/conflict/": {422},  # an empty reason: the units page with the error
    # credit: the walk's empty form names the missing field (422)
    "oversight/units/<int:unit_id>/credit/penalty/": {422},
    "oversight/credit-events/<int:credit_event_id>/correct/": {422},
    "oversight/credit-corrections/<int:correction_id>/decide/": {422},
    "oversight/plans/new/": {422},  # an empty plan form: the plans page with the form's errors
    # early warnings: an empty reason / note / rule form is shown again with its field errors
    "oversight/warnings/<int:warning_id>/dismiss/": {422},
    "oversight/warnings/<int:warning_id>/to-inspect/": {422},
    "oversight/warning-rules/new/": {422},
    # the sample body names an indicator / a decision "测试" that does not exist (404 for that name)
    "POST /api/v1/indicators/values": {404},
    "POST /api/v1/indicators/targets": {404},
    "POST /api/v1/indicators/snapshots": {404},
    "POST /api/v1/benefits/appeals": {404},
    # care at home, LTC (issue 22): an empty refusal names no reason, an empty objection no note (422);
    # the factory's application is not yet concluded, so delivery is not its step (409)
    "careathome/ltc/<int:ltc_assessment_id>/refuse/": {422},
    "careathome/ltc/<int:ltc_assessment_id>/object/": {422},
    "careathome/ltc/<int:ltc_assessment_id>/deliver/": {409},
    # an empty settle form names no provider and no month (422)
    "careathome/ltc/settlements/settle/": {422},
    # the factory's application is not yet accepted: no on-site record yet (409)
    "POST /api/v1/ltc/assessments/{ltc_assessment_id}/record": {409},
    # the walk's city has not entered the LTC standard's table and periods (a city fills them in from
    # its official copy): scoring and a new application answer 409 saying so, past the scope check
    "POST /api/v1/ltc/score": {409},
    "POST /api/v1/ltc/assessments": {409},
    # time bank (issue 21): only a registered volunteer takes a request (staff: 403); the factory's
    # request is open, so checking in or out is not yet its step (409); an empty confirmation names no
    # hours, an empty guarantee form no district (422)
    "timebank/requests/<int:help_request_id>/take/": {403},
    "timebank/requests/<int:help_request_id>/check-in/": {409},
    "timebank/requests/<int:help_request_id>/check-out/": {409},
    "timebank/requests/<int:help_request_id>/confirm/": {422},
    "timebank/staff/report/guarantee/": {422},
}
# Routes that only the resident of the order (or their family), the caregiver assigned to it, or the
# provider's dispatcher may use: staff insiders are refused them by design, so each is walked as that
# persona, on an order made for them (`_persona_makers`). Keys as in NOT_SUCCESS.
PERSONA_ROUTES = {
    "homecare/orders/<int:order_id>/complain/": "resident",
    # a link request to a person is confirmed or declined by the person's own account only
    "portal/account/links/<int:link_id>/confirm/": "resident",
    "portal/account/links/<int:link_id>/decline/": "resident",
    # the residents' own pages (长辈模式 home, 一键呼叫 and its state, nearby, 我要申请): staff have none
    "portal/": "resident",
    "portal/sos/": "resident",
    "portal/sos/<int:incident_id>/": "resident",
    "portal/facilities/": "resident",
    "portal/apply/": "resident",
    # 我要申请's forms (portal/applications_views.py): the resident's own; an empty form is a 422
    "portal/apply/assessment/": "resident",
    "portal/apply/waiting/": "resident",
    "portal/apply/childcare/": "resident",
    # a message is marked read by its recipient only (portal/views_messages.py)
    "portal/messages/<int:message_id>/read/": "resident",
    "homecare/orders/<int:order_id>/address/": "caregiver",
    "homecare/visits/": "caregiver",
    "POST /api/v1/homecare/orders/{order_id}/reassign": "provider",
    "POST /api/v1/homecare/orders/{order_id}/check-in": "caregiver",
    "POST /api/v1/homecare/orders/{order_id}/check-out": "caregiver",
    "GET /api/v1/homecare/orders/{order_id}/address": "caregiver",
    "POST /api/v1/homecare/orders/{order_id}/rating": "resident",
    "POST /api/v1/homecare/orders/{order_id}/complaints": "resident",
    # an employer's admin looks up a candidate (workforce/integrity_views.py); staff hold no employer
    "workforce/integrity/lookup/": "provider",
}
# What a persona may be answered once past the access check: the order's state (409: not yet served,
# so no rating or complaint; already checked in) or the walk's input (422: an empty form, a position
# far from the home without a reason). A 403 or 404 fails: the persona was refused its own order.
PERSONA_ANSWERS = {409, 422}


def _persona_makers(ctx, makers):
    """The walk's factories, except that every order is one order made for the personas: the person
    of the walk is the resident user's own record, the order is assigned to a caregiver whose account
    is the walk's caregiver user, and it is in its service window now (the address shows only then)."""
    from carecircle.homecare.models import Order, OrderStatus
    from carecircle.workforce.services import caregiver_create

    made = {}

    def caregiver_id(c):
        if "caregiver" not in made:
            order = Order.objects.get(pk=makers["order_id"](c))  # the provider admin holds its provider
            made["caregiver"] = caregiver_create(
                actor=c.users["admin"],
                organisation_id=order.provider_id,
                region_code="339901001001",
                name="走查护理员",
                employed_from=datetime.date(2020, 1, 1),
                user=c.users["caregiver"],
            )
            made["provider_id"] = order.provider_id
            c.person.user = c.users["resident"]
            c.person.save(update_fields=["user"])
        return made["caregiver"].pk

    def order_id(c):
        """A new order for each route (a reassignment changes its state), of the caregiver's provider."""
        caregiver_id(c)
        order = Order.objects.get(pk=makers["order_id"](c))
        now = timezone.now()
        # Placed in its service window directly: booking refuses a start in the past.
        Order.objects.filter(pk=order.pk).update(
            provider_id=made["provider_id"],
            caregiver=made["caregiver"],
            status=OrderStatus.ACCEPTED,
            window_start=now - datetime.timedelta(minutes=10),
            window_end=now + datetime.timedelta(minutes=50),
        )
        return order.pk

    def incident_id(c):
        """An incident of the resident's own record (the 一键呼叫 state page is the resident's)."""
        c.person.user = c.users["resident"]
        c.person.save(update_fields=["user"])
        return makers["incident_id"](c)

    return makers | {"order_id": order_id, "caregiver_id": caregiver_id, "incident_id": incident_id}


def _allowed(key: str) -> set[int]:
    return SUCCESS | NOT_SUCCESS.get(key, set()) | (PERSONA_ANSWERS if key in PERSONA_ROUTES else set())


def _walkers(key: str) -> list[str]:
    return [PERSONA_ROUTES[key]] if key in PERSONA_ROUTES else INSIDERS


def _insider_verdict(key, answers) -> str | None:
    """None when the route answered an insider as it should, else what went wrong."""
    allowed = _allowed(key)
    if any(code in allowed for _user, code in answers):
        return None
    return f"{key}: no insider succeeded: {answers}"


def test_every_page_succeeds_for_an_insider(ctx, client_for):
    """Every page the outsider walk is refused opens (or does its action) for a user of region A who
    holds the permission: a route or factory that always answers 403/404 fails here."""
    makers = insider_makers(ctx)
    persona = _persona_makers(ctx, makers)
    clients = {name: client_for(ctx.users[name]) for name in [*INSIDERS, "resident"]}
    failures, checked = [], 0
    for route in page_routes():
        url = "/" + fill(route, ctx, persona if route in PERSONA_ROUTES else makers)
        answers = []
        for name in _walkers(route):
            response = clients[name].get(url)
            if response.status_code == 405:
                response = clients[name].post(url, {})
            answers.append((name, response.status_code))
            if response.status_code in _allowed(route):
                break
        if problem := _insider_verdict(route, answers):
            failures.append(problem)
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 50


def test_every_api_operation_succeeds_for_an_insider(ctx, client_for):
    """Every API operation answers a user of region A holding its permission with success, or with the
    validation error its sample body earns (422: the record was found and the scope check passed)."""
    from carecircle.core.services import token_create

    makers = insider_makers(ctx)
    persona = _persona_makers(ctx, makers)
    names = [*INSIDERS, "resident"]
    clients = {name: client_for(ctx.users[name]) for name in names}
    headers = {
        name: {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=ctx.users[name], name='walk')[1]}"}
        for name in names
    }
    failures, checked = [], 0
    for method, path, body in api_operations():
        key = f"{method} {path}"
        these = persona if key in PERSONA_ROUTES else makers
        url = fill(path, ctx, these)
        if isinstance(body, dict):  # ids in the body name records of region A too (not the sample's 1)
            body = {k: these[k](ctx) if k.endswith("_id") and k in these else v for k, v in body.items()}
        answers = []
        allowed = _allowed(key) | ({422} if body is not None or method == "GET" else set())
        for name in _walkers(key):
            call = getattr(clients[name], method.lower())
            if body is not None:
                response = call(url, data=body, content_type="application/json", **headers[name])
            else:
                response = call(url, **headers[name])
            answers.append((name, response.status_code))
            if response.status_code in allowed:
                break
        if not any(code in allowed for _n, code in answers):
            failures.append(f"{key}: no insider succeeded: {answers}")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 50


# care at home, adaptation and rental (issue 22): the walk's empty forms name their missing field (422);
# the factory's case is only applied for, so plan, approval, works, acceptance and payment are not yet
# its steps, and the factory's unit is ready, so neither cleaning nor the end of a repair is (409)
NOT_SUCCESS.update(
    {
        "careathome/adaptation/refer/": {422},
        "careathome/adaptation/cases/<int:adaptation_case_id>/assess/": {422},
        "careathome/adaptation/cases/<int:adaptation_case_id>/plan/": {409},
        "careathome/adaptation/cases/<int:adaptation_case_id>/approve/": {409},
        "careathome/adaptation/cases/<int:adaptation_case_id>/works/": {409},
        "careathome/adaptation/cases/<int:adaptation_case_id>/accept/": {409},
        "careathome/adaptation/cases/<int:adaptation_case_id>/pay/": {409},
        "careathome/adaptation/cases/<int:adaptation_case_id>/refuse/": {422},
        "careathome/rental/units/<int:device_unit_id>/deliver/": {422},
        "careathome/rental/units/<int:device_unit_id>/clean/": {409},
        "careathome/rental/units/<int:device_unit_id>/repaired/": {409},
        "careathome/rental/contracts/<int:rental_contract_id>/bill/": {422},
        "careathome/rental/contracts/<int:rental_contract_id>/return/": {422},
    }
)

# portal (issue 19): the password page of a resident account (staff accounts are refused it by design:
# their passwords are the administrator's); the walk's empty form names the missing new password (422)
PERSONA_ROUTES["portal/account/password/"] = "resident"

# care at home, family beds (issue 22 item 3): the walk's empty forms name their missing field (422)
NOT_SUCCESS.update(
    {
        "careathome/beds/contract/": {422},
        "careathome/beds/<int:family_bed_id>/device/": {422},
        "careathome/beds/<int:family_bed_id>/end/": {422},
        # the adviser's page: no adviser chosen (422); no consent before an adviser is named (409)
        "careathome/adviser/<int:adviser_person_id>/assign/": {422},
        "careathome/adviser/<int:adviser_person_id>/consent/": {409},
    }
)
# care advisers' 委托代办 (issue 22 item 6): no adviser named for the walk's person yet (409)
NOT_SUCCESS.update(
    {
        "careathome/adviser/<int:adviser_person_id>/on-behalf/": {409},
        "careathome/adviser/<int:adviser_person_id>/revoke/": {409},
    }
)
