"""Links between a family (子女) or parent account and the people it acts for: consent by the person
or by a community worker with the evidence seen, either side ends it; `family_persons` counts only
active links; a family member sees only linked people; proxy actions carry `on_behalf_of`."""

import pytest

from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from carecircle.portal import selectors, services
from carecircle.portal.models import ResidentProfile
from carecircle.registry.models import FamilyContact, LinkBasis, LinkState
from carecircle.registry.selectors import family_persons, on_behalf_of
from carecircle.registry.services import family_contact_add
from tests.conftest import COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db


def resident(username, phone, region="339901001001"):
    user = make_user(username, Role.RESIDENT, region)
    from carecircle.core.vault import mask_phone, phone_index

    ResidentProfile.objects.create(
        user=user,
        region_code=region,
        phone=phone,
        phone_masked=mask_phone(phone),
        phone_hash=phone_index(phone),
    )
    return user


@pytest.fixture
def parent_with_account(users, make_person):
    """An older person with their own account (opened by the community worker)."""
    person = make_person(age=82, phone="13800000008", name="李奶奶")
    services.resident_account_create(actor=users["community"], person=person, phone="13800000008")
    person.refresh_from_db()
    return person


def _ask(user, person, relation="女儿"):
    return services.link_request(actor=user, name=person.name, id_number=person.id_number, relation=relation)


def test_a_pending_request_counts_for_nothing_until_the_person_confirms_and_ends_when_ended(
    parent_with_account,
):
    daughter = resident("daughter", "13700000001")
    link = _ask(daughter, parent_with_account)
    assert link.link_state == LinkState.PENDING
    assert list(family_persons(daughter)) == []
    assert on_behalf_of(daughter, parent_with_account) == {}
    # the daughter cannot confirm her own request
    with pytest.raises(Forbidden):
        services.link_confirm(actor=daughter, link=link)
    services.link_confirm(actor=parent_with_account.user, link=link)
    link.refresh_from_db()
    assert link.link_state == LinkState.ACTIVE and link.link_basis == LinkBasis.PERSON
    assert list(family_persons(daughter)) == [parent_with_account]
    # either side ends it: here the older person
    services.link_end(actor=parent_with_account.user, link=link)
    assert list(family_persons(daughter)) == []
    actions = list(
        AuditEvent.objects.filter(object_id=str(parent_with_account.pk), action__startswith="link.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["link.request", "link.confirm", "link.end"]


def test_the_family_side_may_end_it_too_and_a_declined_request_may_be_asked_again(parent_with_account):
    son = resident("son", "13700000002")
    link = _ask(son, parent_with_account, "儿子")
    services.link_decline(actor=parent_with_account.user, link=link)
    assert list(family_persons(son)) == []
    with pytest.raises(Conflict):
        services.link_confirm(actor=parent_with_account.user, link=link)  # declined: not pending
    link = _ask(son, parent_with_account, "儿子")
    services.link_confirm(actor=parent_with_account.user, link=link)
    services.link_end(actor=son, link=link)
    link.refresh_from_db()
    assert link.link_state == LinkState.ENDED and link.link_ended_by == son


def test_a_request_without_a_tie_the_platform_can_check_is_refused_in_plain_words(users, make_person):
    """No account of the person to confirm, and the requester's phone is not a registered contact."""
    stranger = resident("stranger", "13700000003")
    person = make_person(age=85)
    with pytest.raises(InvalidInput) as exc:
        _ask(stranger, person)
    assert exc.value.field == "id_number" and "户口簿" in str(exc.value.message)
    assert not FamilyContact.objects.filter(user=stranger).exists()


def test_a_wrong_name_or_number_is_refused(parent_with_account):
    user = resident("x", "13700000004")
    with pytest.raises(InvalidInput):
        services.link_request(
            actor=user, name="王某", id_number=parent_with_account.id_number, relation="女儿"
        )
    with pytest.raises(InvalidInput) as exc:
        services.link_request(actor=user, name=parent_with_account.name, id_number="330", relation="女儿")
    assert exc.value.field == "id_number"
    with pytest.raises(InvalidInput) as exc:
        _ask(user, parent_with_account, relation="路人")
    assert exc.value.field == "relation"


def test_a_parent_of_an_infant_is_linked_by_a_worker_who_saw_the_evidence(users, make_person):
    """The infant cannot confirm: the parent's phone is the registered contact (a checkable tie) and
    the request waits for the community worker, who must name the evidence."""
    baby = make_person(age=1, name="小宝")
    family_contact_add(
        actor=users["community"], person=baby, name="张妈妈", relation="母亲", phone="13700000005"
    )
    mother = resident("mother", "13700000005")
    link = _ask(mother, baby, "母亲")
    assert list(family_persons(mother)) == []
    with pytest.raises(InvalidInput) as exc:
        services.link_verify(actor=users["community"], link=link, evidence="", note="")
    assert exc.value.field == "evidence"
    with pytest.raises(InvalidInput) as exc:
        services.link_verify(actor=users["community"], link=link, evidence="birth_certificate", note=" ")
    assert exc.value.field == "note"
    with pytest.raises(NotFound):  # a worker of another community
        services.link_verify(
            actor=users["community_b"], link=link, evidence="birth_certificate", note="出生医学证明原件"
        )
    services.link_verify(
        actor=users["community"], link=link, evidence="birth_certificate", note="出生医学证明原件"
    )
    link.refresh_from_db()
    assert link.link_state == LinkState.ACTIVE and link.link_basis == LinkBasis.WORKER
    assert link.link_decided_by == users["community"]
    assert list(family_persons(mother)) == [baby]


def test_a_worker_records_a_link_at_the_desk_and_opens_the_family_account(users, make_person):
    father = make_person(age=88)
    with pytest.raises(InvalidInput) as exc:
        services.link_record(
            actor=users["community"],
            person=father,
            phone="13700000006",
            name="赵一",
            relation="儿子",
            evidence="hukou",
            note="",
        )
    assert exc.value.field == "note"
    link = services.link_record(
        actor=users["community"],
        person=father,
        phone="13700000006",
        name="赵一",
        relation="儿子",
        evidence="hukou",
        note="户口簿：户主赵某，与户主关系：子",
    )
    assert link.link_state == LinkState.ACTIVE and link.link_evidence == "hukou"
    assert list(family_persons(link.user)) == [father]
    event = AuditEvent.objects.get(action="link.record")
    assert event.user == users["community"] and event.detail["evidence"] == "hukou"
    with pytest.raises(NotFound):
        services.link_record(
            actor=users["community_b"],
            person=father,
            phone="13700000007",
            name="赵二",
            relation="儿子",
            evidence="hukou",
            note="x",
        )


def test_a_family_member_sees_only_linked_people(client_for, parent_with_account, users, make_person):
    daughter = resident("daughter2", "13700000011")
    link = _ask(daughter, parent_with_account)
    services.link_confirm(actor=parent_with_account.user, link=link)
    other_family = resident("other", "13700000012")
    other_parent = make_person(age=90, name="别家老人")
    other_link = services.link_record(
        actor=users["community"],
        person=other_parent,
        phone="13700000012",
        name="别家",
        relation="儿子",
        evidence="hukou",
        note="户口簿",
    )
    assert list(family_persons(daughter)) == [parent_with_account]
    with pytest.raises(NotFound):
        selectors.link_get(user=daughter, link_id=other_link.pk)
    client = client_for(daughter)
    assert client.post(f"/portal/account/links/{other_link.pk}/end/").status_code == 404
    page = client.get("/portal/account/").content.decode()
    assert parent_with_account.name in page and other_parent.name not in page
    assert list(family_persons(other_family)) == [other_parent]


def test_proxy_actions_name_the_person_they_were_done_for(parent_with_account, users):
    daughter = resident("daughter3", "13700000013")
    link = _ask(daughter, parent_with_account)
    services.link_confirm(actor=parent_with_account.user, link=link)
    assert on_behalf_of(daughter, parent_with_account) == {"on_behalf_of": parent_with_account.pk}
    assert on_behalf_of(parent_with_account.user, parent_with_account) == {}  # the person themself
    assert on_behalf_of(users["community"], parent_with_account) == {}  # staff act in their own name


def test_the_pages_confirm_and_refuse(client_for, parent_with_account, users):
    daughter = resident("daughter4", "13700000014")
    page = client_for(daughter).post(
        "/portal/account/links/new/",
        {"name": parent_with_account.name, "id_number": parent_with_account.id_number, "relation": "女儿"},
    )
    assert page.status_code == 302
    link = FamilyContact.objects.get(user=daughter)
    parent = client_for(parent_with_account.user)
    assert (
        "daughter4" in parent.get("/portal/account/").content.decode()
        or link.user.display_name in parent.get("/portal/account/").content.decode()
    )
    assert client_for(daughter).post(f"/portal/account/links/{link.pk}/confirm/").status_code == 403
    assert parent.post(f"/portal/account/links/{link.pk}/confirm/").status_code == 302
    link.refresh_from_db()
    assert link.link_state == LinkState.ACTIVE
    # a bad request on the page: 422 with the message on the form
    again = client_for(resident("s", "13700000015")).post(
        "/portal/account/links/new/",
        {"name": "无此人", "id_number": "330106194001011234", "relation": "儿子"},
    )
    assert again.status_code == 422 and "没有找到" in again.content.decode()
    # the worker's page of the person lists the link; verifying with no evidence is a 422
    worker = client_for(users["community"])
    assert worker.get(f"/portal/people/{parent_with_account.pk}/accounts/").status_code == 200
    assert (
        client_for(users["community_b"]).get(f"/portal/people/{parent_with_account.pk}/accounts/").status_code
        == 404
    )


def test_an_older_persons_own_account_is_opened_once_and_only_for_older_people(users, make_person):
    person = make_person(age=70, phone="13800000021")
    user = services.resident_account_create(actor=users["community"], person=person, phone="")
    person.refresh_from_db()
    assert person.user == user and not user.has_usable_password()
    with pytest.raises(Conflict):
        services.resident_account_create(actor=users["community"], person=person, phone="13800000022")
    baby = make_person(age=1)
    with pytest.raises(InvalidInput):
        services.resident_account_create(actor=users["community"], person=baby, phone="13800000023")
    other = make_person(age=70, region_code=COMMUNITY_B)
    with pytest.raises(NotFound):
        services.resident_account_create(actor=users["community"], person=other, phone="13800000024")
