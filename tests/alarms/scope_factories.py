"""Objects in region A (东湖区) for the scope walk."""


def incident_id(ctx):
    from carecircle.alarms.services import incident_open_by_phone

    return incident_open_by_phone(actor=ctx.users["admin"], person=ctx.person, note="来电").pk


def responder_id(ctx):
    from carecircle.alarms.services import responder_dispatch
    from carecircle.registry.models import FamilyContact

    FamilyContact.objects.create(
        person=ctx.person, region_code=ctx.person.region_code, name="李女儿", relation="女儿"
    )
    return responder_dispatch(actor=ctx.users["admin"], incident_id=incident_id(ctx)).pk


FACTORIES = {"incident_id": incident_id, "responder_id": responder_id}
