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
