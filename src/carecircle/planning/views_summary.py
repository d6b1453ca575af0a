"""The printable one-page summary of a region's indicators (PDF), scoped like the dashboard and
audited like the Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from carecircle.planning import selectors, summary


@login_required
def summary_pdf(request, code: str):
    day = selectors.parse_day(request.GET.get("date"))
    board = summary.summary_export(actor=request.user, region_code=code, day=day, request=request)
    pdf = summary.pdf_bytes(board, printed_by=str(request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="indicators-{code}-{day}.pdf"'
    return response
