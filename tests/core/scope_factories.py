"""Objects for the scope walk (tests/test_scope_walk.py, tests/test_scope_walk_insider.py): an
export of a staff list (core/list_export.py), finished, asked for by the insider walk's first user."""


def export_job_id(ctx):
    from carecircle.core import exports
    from carecircle.core.models import ExportJob

    wb = exports.workbook(write_only=True)
    exports.sheet_append(wb.create_sheet(title="人员信息"), ["姓名"])
    return ExportJob.objects.create(
        user=ctx.users["street"],
        list_name="registry.people",
        title="人员信息",
        purpose="走查",
        state=ExportJob.State.DONE,
        content=exports.xlsx_bytes(wb),
    ).pk


FACTORIES = {"export_job_id": export_job_id}
