"""A public form that comes back with errors says so to someone who cannot see it.

A screen reader announces live regions that change, not the role="alert" messages
already in a page it has just loaded: after a failed submission the page sounded just
like before. So the page's <title> starts with "Error:" (``failed_form``, read by the
templates' titles), and the first field with an error gets ``autofocus``, so focus
lands there and the field's name, "invalid" and its message (aria-describedby) are
read. Autofocus needs no script, which the site's CSP does not allow inline. A form
whose errors belong to no field puts focus on its summary instead
(templates/includes/form_error_summary.html).

A NUL character typed (or sent) into a field is refused by Django ("Null characters
are not allowed."), and the form came back with it in the field's value and, for a
choice, in the error message: a raw NUL in the 400 page's HTML, which browsers show
as a replacement mark or not at all and a proxy or a log reader may cut the page at.
``NoNulEchoMixin`` shows the value back without it, and the message with U+FFFD.
"""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError

NUL = "\x00"


class NoNulEchoMixin:
    """A bound form shows what was sent back without NUL characters: in its fields'
    values (what the reader typed, less the character they could not see) and in
    its error messages (U+FFFD where a NUL was, as a browser would show it). Every
    public form has it; the check that refused the value has run already."""

    def full_clean(self):
        super().full_clean()
        if self.is_bound and _holds_nul(self.data):
            self.data = _without_nul(self.data)
        for errors in (self._errors or {}).values():
            _errors_without_nul(errors)


def _holds_nul(data) -> bool:
    lists = data.lists() if hasattr(data, "lists") else data.items()
    return any(
        isinstance(value, str) and NUL in value
        for _name, values in lists
        for value in (values if isinstance(values, list | tuple) else [values])
    )


def _without_nul(data):
    if hasattr(data, "setlist"):
        data = data.copy()  # a QueryDict is immutable; its copy is not
        for name, values in list(data.lists()):
            data.setlist(name, [_strip(value) for value in values])
        return data
    return {
        name: [_strip(item) for item in value]
        if isinstance(value, list | tuple)
        else _strip(value)
        for name, value in data.items()
    }


def _strip(value):
    return value.replace(NUL, "") if isinstance(value, str) else value


def _marked(value):
    return value.replace(NUL, "\ufffd") if isinstance(value, str) else value


def _errors_without_nul(errors) -> None:
    for index, error in enumerate(errors.data):
        if not isinstance(error, ValidationError):
            errors.data[index] = _marked(error)
            continue
        if hasattr(error, "message"):
            error.message = _marked(error.message)
        if isinstance(error.params, dict):
            error.params = {
                name: _marked(value) for name, value in error.params.items()
            }


class FocusFirstErrorMixin:
    """After cleaning, the first visible field with an error (in ``focus_order``, else
    the form's order) gets ``autofocus``; ``focus_field`` names it, or is None."""

    focus_order: Iterable[str] = ()
    focus_field: str | None = None

    def full_clean(self):
        super().full_clean()
        self.focus_field = self._first_invalid_field()
        if self.focus_field is not None:
            _autofocus(self.fields[self.focus_field].widget)

    def _first_invalid_field(self) -> str | None:
        visible = [field.name for field in self.visible_fields()]
        ordered = [name for name in self.focus_order if name in visible]
        for name in ordered + visible:
            if name in self.errors:
                return name
        return None


def _autofocus(widget: forms.Widget) -> None:
    """``autofocus`` on the widget, and on a group of boxes (checkboxes, radio
    buttons) on its first box only: a page may hold one."""
    widget.attrs["autofocus"] = True
    if not isinstance(widget, forms.widgets.ChoiceWidget) or widget.input_type not in (
        "checkbox",
        "radio",
    ):
        return
    create_option = widget.create_option

    def first_box_only(name, value, label, selected, index, *args, **kwargs):
        option = create_option(name, value, label, selected, index, *args, **kwargs)
        if option["index"] not in ("0", "0_0"):  # "0_0": the first of a group
            option["attrs"].pop("autofocus", None)
        return option

    # This form's own copy of the widget (Django copies fields per form).
    widget.create_option = first_box_only


def failed_form(context) -> bool:
    """Whether this page answers a submission that failed: a bound form in the
    context has errors, or the view set a ``form_error`` (a limit, an expired form)."""
    if context.get("form_error"):
        return True
    # type(), not isinstance(): isinstance() would evaluate the context's lazy objects
    # (csrf_token sets the CSRF cookie, user reads the session), and a page with a
    # cookie or Vary: Cookie is never stored in the page cache.
    return any(
        issubclass(type(value), forms.BaseForm) and value.is_bound and value.errors
        for layer in context.dicts
        for value in layer.values()
    )
