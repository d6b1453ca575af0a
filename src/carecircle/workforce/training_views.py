"""The training records staff page (count, filters, Excel export: core/list_pages)."""

from django.contrib.auth.decorators import login_required

from carecircle.core import list_pages
from carecircle.workforce.training_list_specs import ATTENDANCE


@login_required
def attendance_list(request):
    return list_pages.page(request, ATTENDANCE, template="workforce/training_list.html")
