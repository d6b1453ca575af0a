"""The page layer's one way to take input (docs/directory-guide.md, "Writing a page").

A page reads what the user sent through a Django form, never `request.POST[...]` by hand, and
hands the cleaned values to one service. `ServiceForm.submit` is the only place where a page
catches a domain error: an `InvalidInput` the service raises (a bad value, with the field it names)
becomes that field's error on the form, which the view shows again (status 422). Every other
`DomainError` (Forbidden, NotFound, Conflict) is left to `core.middleware.DomainErrorMiddleware`,
which renders the error page with the error's status. So no view writes `except DomainError`, and
no refusal is ever turned into a flash message."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carecircle.core.errors import InvalidInput

INVALID_STATUS = 422


class ServiceForm(forms.Form):
    """A form whose cleaned values go to one service call: `form.submit(call)`."""

    result: Any = None
    not_for_service: tuple[str, ...] = ()  # fields the page uses itself (e.g. where to go back to)

    def submit(self, call: Callable[..., Any]) -> bool:
        """Validate; call `call(**cleaned_data)`; True when it succeeded (its return value is in
        `self.result`). A form error, or an InvalidInput from the service, gives False with the
        message on the named field (or on the form when the form has no such field)."""
        if not self.is_valid():
            return False
        try:
            self.result = call(**{k: v for k, v in self.cleaned_data.items() if k not in self.not_for_service})
        except InvalidInput as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
            return False
        return True

    def messages(self) -> list[str]:
        """Every error of the form, field errors first, as the page lists them."""
        return [str(m) for name, errs in self.errors.items() for m in errs if name != "__all__"] + [
            str(m) for m in self.non_field_errors()]


def render_invalid(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The page again with its form's errors, answered 422 (never a 200 that looks like success)."""
    return render(request, template, context, status=INVALID_STATUS)
