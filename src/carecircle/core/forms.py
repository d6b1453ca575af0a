"""The page layer's one way to take input (docs/directory-guide.md, "Writing a page").

A page reads what the user sent through a Django form, never `request.POST[...]` by hand, and
hands the cleaned values to one service. `ServiceForm.submit` is the only place where a page
catches a domain error: an `InvalidInput` the service raises (a bad value, with the field it names)
becomes that field's error on the form, which the view shows again (status 422). Every other
`DomainError` (Forbidden, NotFound, Conflict) is left to `core.middleware.DomainErrorMiddleware`,
which renders the error page with the error's status. So no view writes `except DomainError`, and
no refusal is ever turned into a flash message.

A form may name further errors that belong on it rather than on an error page (`shown_on_form`):
the sign-in forms show a refused password or code where it was typed (LoginForm, CodeForm), the
region upload a rejected file (RegionUploadForm). The core's own pages take their input through the
forms below."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carecircle.core.credentials import LoginRefused
from carecircle.core.errors import DomainError, InvalidInput
from carecircle.core.tables import FileRejected

INVALID_STATUS = 422


class ServiceForm(forms.Form):
    """A form whose cleaned values go to one service call: `form.submit(call)`."""

    result: Any = None
    not_for_service: tuple[str, ...] = ()  # fields the page uses itself (e.g. where to go back to)
    shown_on_form: tuple[type[DomainError], ...] = (InvalidInput,)  # errors the page shows on the form
    # Where a refusal other than InvalidInput goes when it names no field of the form (a duplicate
    # ID number on "id_number"); an InvalidInput naming none is the form's own error.
    default_field: str | None = None
    failed_status = INVALID_STATUS  # what the page answers when the form comes back with errors
    refused: DomainError | None = None  # the service's refusal shown on the form, if any

    def submit(self, call: Callable[..., Any]) -> bool:
        """Validate; call `call(**cleaned_data)`; True when it succeeded (its return value is in
        `self.result`). A form error, or an InvalidInput from the service, gives False with the
        message on the named field (or on the form when the form has no such field)."""
        if not self.is_valid():
            return False
        try:
            self.result = call(
                **{k: v for k, v in self.cleaned_data.items() if k not in self.not_for_service}
            )
        except self.shown_on_form as exc:
            self.refused, self.failed_status = exc, exc.status
            fallback = None if isinstance(exc, InvalidInput) else self.default_field
            self.add_error(exc.field if exc.field in self.fields else fallback, str(exc.message))
            return False
        return True

    def messages(self) -> list[str]:
        """Every error of the form, field errors first, as the page lists them."""
        return [str(m) for name, errs in self.errors.items() for m in errs if name != "__all__"] + [
            str(m) for m in self.non_field_errors()
        ]


def render_invalid(request: HttpRequest, template: str, context: Mapping[str, Any]) -> HttpResponse:
    """The page again with its form's errors, answered 422 (never a 200 that looks like success)."""
    return render(request, template, context, status=INVALID_STATUS)


# ---------------------------------------------------------------- the core's pages (core/views.py)


class NextForm(ServiceForm):
    """`next`: where to go once done (checked against the host before it is used)."""

    next = forms.CharField(required=False, strip=False)
    not_for_service = ("next",)


class LoginForm(NextForm):
    """The password step (`services.sign_in_check`). The values go to the service exactly as typed:
    an empty one is the service's to refuse and count, like a wrong one."""

    username = forms.CharField(required=False, strip=False)
    password = forms.CharField(required=False, strip=False)
    shown_on_form = (InvalidInput, LoginRefused)


class CodeForm(NextForm):
    """A second-factor code: the code step of signing in (`sign_in_second_factor`), confirming a new
    authenticator (`totp_confirm`) and switching it off (`totp_disable`)."""

    code = forms.CharField(required=False, strip=False)
    shown_on_form = (InvalidInput, LoginRefused)


class TokenForm(ServiceForm):
    """A new API token (`services.token_create`): what it is for."""

    name = forms.CharField(required=False, strip=False)


class RegionUploadForm(ServiceForm):
    """A region table (CSV or .xlsx); a file refused as a whole is shown on the form."""

    file = forms.FileField(
        error_messages={"required": _("请选择文件"), "invalid": _("请选择文件"), "empty": _("文件是空的")}
    )
    shown_on_form = (InvalidInput, FileRejected)
