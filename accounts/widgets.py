"""Give every form field Bootstrap's classes, so templates can render forms with one include."""

from django import forms


def bootstrapify(form: forms.BaseForm) -> forms.BaseForm:
    for name, field in form.fields.items():
        widget = field.widget
        # CheckboxSelectMultiple is a RadioSelect, not a SelectMultiple: its boxes are check inputs
        # (a form-control checkbox is as wide as the form and squeezes its label to one character).
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        # _errors, not errors: reading .errors would validate the form before it is fully built.
        if form.is_bound and (form._errors or {}).get(name):
            css += " is-invalid"
        classes = [c for c in widget.attrs.get("class", "").split() if c != "is-invalid"]
        classes += [c for c in css.split() if c not in classes]
        widget.attrs["class"] = " ".join(classes)
    return form


def sane_dates(form: forms.BaseForm) -> forms.BaseForm:
    """Every date field refuses a date before 1949 or more than ten years ahead (portal/validators.py)."""
    from portal.validators import validate_date

    for field in form.fields.values():
        if isinstance(field, forms.DateField) and validate_date not in field.validators:
            field.validators.append(validate_date)
    return form


class BootstrapFormMixin:
    """Mixin for forms: adds Bootstrap classes after validation state is known, and the sane date window."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sane_dates(self)
        bootstrapify(self)

    def full_clean(self):
        super().full_clean()
        bootstrapify(self)


class MaskedInput(forms.TextInput):
    """A text input that shows a stored ID number or phone masked (3611**********1234), never in full.

    ``stored`` is the value on record and ``mask`` the function that masks it; a value equal to the stored
    one is rendered masked, anything else (a new number the user typed) as typed. ``reveal_url``, set only
    for a role allowed full numbers, adds the portal's logged "显示" button, which swaps the input for one
    holding the full number (the view behind it writes the access-log entry). When the masked text (or the
    full stored value) comes back unchanged the form receives the stored value, so the record keeps it; a
    new full number typed over it is cleaned and validated as any input.
    """

    template_name = "accounts/widgets/masked_input.html"

    def __init__(self, *, mask, stored="", reveal_url="", attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.mask = mask
        self.stored = stored or ""
        self.reveal_url = reveal_url

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.mask, copy.stored, copy.reveal_url = self.mask, self.stored, self.reveal_url
        return copy

    def format_value(self, value):
        value = super().format_value(value)
        if value and self.stored and str(value).strip() == self.stored:
            return self.mask(self.stored)
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["reveal_url"] = self.reveal_url if self.stored else ""
        return context

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return self.stored if self.unchanged(value) else value

    def unchanged(self, submitted) -> bool:
        """Whether the submitted text is the stored value, masked or in full (so the record keeps it)."""
        submitted = submitted.strip() if isinstance(submitted, str) else ""
        return bool(self.stored) and submitted in (self.stored, self.mask(self.stored))


def mask_field(form: forms.BaseForm, name: str, *, mask, stored: str, reveal_url: str = "") -> None:
    """Render ``form[name]`` masked; ``reveal_url`` (for roles allowed full numbers only) adds "显示"."""
    field = form.fields[name]
    attrs = dict(field.widget.attrs)
    field.widget = MaskedInput(mask=mask, stored=stored, reveal_url=reveal_url, attrs=attrs)
