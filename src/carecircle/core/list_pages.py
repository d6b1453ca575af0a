"""The pages of the list component (core/lists.py): a staff list, and an export job's progress
and download. A module's list view is `list_pages.page(request, SPEC)` (or with its own template
that includes core/list_body.html, and extra context)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecircle.core import list_export, lists
from carecircle.core.errors import InvalidInput
from carecircle.core.models import ExportJob
from carecircle.core.types import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINDOW = 2  # page numbers shown either side of the current one


def attachment(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


def _page_links(query: lists.ListQuery, number: int, pages: int) -> list[dict[str, Any]]:
    shown = sorted({1, pages, *range(max(1, number - WINDOW), min(pages, number + WINDOW) + 1)})
    links: list[dict[str, Any]] = []
    last = 0
    for n in shown:
        if n - last > 1:
            links.append({"gap": True})
        links.append({"n": n, "url": "?" + query.querystring(page=str(n)), "current": n == number})
        last = n
    return links


def _headers(spec: lists.ListSpec, query: lists.ListQuery) -> list[dict[str, Any]]:
    current = query.sort or spec.default_sort
    out = []
    for c in spec.columns:
        state = ""
        if c.sort and current.removeprefix("-") == c.key:
            state = "descending" if current.startswith("-") else "ascending"
        nxt = f"-{c.key}" if state == "ascending" else c.key
        out.append(
            {
                "label": str(c.label),
                "url": "?" + query.querystring(sort=nxt, page="") if c.sort else "",
                "state": state,
                "pii": c.pii,
            }
        )
    return out


def _filters(spec: lists.ListSpec, request: AuthedRequest) -> list[dict[str, Any]]:
    out = []
    for f in spec.filters:
        item: dict[str, Any] = {
            "key": f.key,
            "label": str(f.label),
            "kind": f.kind,
            "value": request.GET.get(f.key, (spec.defaults or {}).get(f.key, "")),
            "placeholder": str(f.placeholder or f.label),
        }
        if f.kind == lists.CHOICE:
            item["options"] = f.options()
        elif f.kind == lists.REGION:
            item["options"] = lists.region_options(request.user, spec.perm, chosen=item["value"])
        elif f.kind == lists.DATES:
            item["from"] = request.GET.get(f"{f.key}_from", "")
            item["to"] = request.GET.get(f"{f.key}_to", "")
        out.append(item)
    return out


class Row(list[dict[str, Any]]):
    """A row's cells; `obj` is the row itself and `extra` what the view's `row_extra` gave it (for
    the spec's `row_template`)."""

    obj: Any = None
    extra: Any = None


def listing(
    spec: lists.ListSpec, request: AuthedRequest, *, row_extra: Callable[[Any], Any] | None = None
) -> tuple[dict[str, Any], Any]:
    """What the list templates show, and the filtered, sorted queryset (for an export)."""
    spec.require(request.user)
    qs, query = lists.parse(spec, request.user, request.GET)
    paginator = Paginator(qs, spec.page_size)
    page = paginator.page(lists.page_number(request.GET.get("page"), paginator.num_pages))
    rows = list(page.object_list)
    values = lists.cells(spec, rows)
    links = [[c.link(r) if c.link else "" for c in spec.columns] for r in rows]
    context = {
        "spec": spec,
        "title": str(spec.title),
        "count": paginator.count,
        "page": page,
        "pages": _page_links(query, page.number, paginator.num_pages),
        "first_url": "?" + query.querystring(page="1"),
        "prev_url": "?" + query.querystring(page=str(page.number - 1)) if page.has_previous() else "",
        "next_url": "?" + query.querystring(page=str(page.number + 1)) if page.has_next() else "",
        "last_url": "?" + query.querystring(page=str(paginator.num_pages)),
        "headers": _headers(spec, query),
        "rows": [
            _row(line, row_links, obj, row_extra)
            for line, row_links, obj in zip(values, links, rows, strict=True)
        ],
        "filters": _filters(spec, request),
        "sort": query.sort,
        "querystring": query.querystring(),
        "may_export": spec.permits(request.user, export=True),
        "may_unmask": spec.has_pii and list_export.may_unmask(request.user),
        "sync_rows": list_export.sync_rows(),
    }
    return context, (qs, query)


def _row(line: list[object], links: list[str], obj: Any, row_extra: Callable[[Any], Any] | None) -> Row:
    row = Row({"text": "" if v is None else v, "link": link} for v, link in zip(line, links, strict=True))
    row.obj = obj
    row.extra = row_extra(obj) if row_extra is not None else None
    return row


def page(
    request: AuthedRequest,
    spec: lists.ListSpec,
    *,
    template: str = "core/list_page.html",
    context: dict[str, Any] | None = None,
    row_extra: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """A staff list: GET shows it; POST (the export form, with the list's query string) exports
    exactly the filtered, sorted set, or queues the export and leads to its progress page."""
    ctx, (qs, query) = listing(spec, request, row_extra=row_extra)
    ctx.update(context or {})
    status = 200
    if request.method == "POST":
        try:
            result = list_export.export_request(
                spec=spec,
                user=request.user,
                qs=qs,
                query=query,
                purpose=request.POST.get("purpose", ""),
                unmask=request.POST.get("unmask") == "1",
                request=request,
            )
        except InvalidInput as exc:
            ctx["export_error"] = exc
            ctx["purpose"] = request.POST.get("purpose", "")
            status = 422
        else:
            if isinstance(result, ExportJob):
                return redirect("core:export_job", export_job_id=result.pk)
            body, _count = result
            return attachment(body, list_export.file_name(spec))
    return render(request, template, ctx, status=status)


@login_required
def export_job(request: AuthedRequest, export_job_id: int) -> HttpResponse:
    """A background export's progress (polled by htmx) and, once done, its download link."""
    job = list_export.job_get(user=request.user, job_id=export_job_id)
    template = "core/list_job_progress.html" if request.htmx else "core/list_job.html"
    return render(request, template, {"job": job, "title": job.title or _("名单导出")})


@login_required
def export_download(request: AuthedRequest, export_job_id: int) -> HttpResponse:
    name, body = list_export.job_file(user=request.user, job_id=export_job_id)
    return attachment(body, name)
