"""Import and export of the reference catalogues in the admin, through django-import-export.

The catalogues are the rows an administrator keeps rather than staff: departments, each year's
thresholds, the measure suggestions, the policy tasks. Their admin pages get 导入 / 导出 buttons
(the package's preview shows every new, changed and unchanged row before anything is written, and a
row it cannot read is reported with its line and field). Columns are the fields' Chinese names;
choices are written and read as their Chinese labels (the stored code is accepted too), yes/no as
是 / 否, a department by its name. A catalogue row is matched on its natural key (a department's
code, a year, a task's code), so a workbook exported, edited and imported again updates in place.

Households, members and ledgers are not catalogues: they are imported through the exchange app
(`exchange/`), with the scope gate and the all-or-nothing check a township's upload needs.
"""

from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

TRUE_WORDS = {"是", "1", "true", "yes", "y", "√", "✓"}
FALSE_WORDS = {"否", "0", "false", "no", "n", "", "×"}


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its label (启用的语言) or its stored code; anything else is refused by name."""

    def __init__(self, choices):
        super().__init__()
        self.choices = [(code, label) for code, label in choices if code not in (None, "")]

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        for code, label in self.choices:
            if text in (str(code), str(label)):
                return code
        allowed = "、".join(str(label) for _code, label in self.choices)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s") % {"value": text, "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class LabelListWidget(ChoiceLabelWidget):
    """A JSON list of choices (the measure types that continue after elimination), written 甲、乙."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        parts = [p.strip() for p in text.replace(",", "、").replace("，", "、").split("、")]
        return [super(LabelListWidget, self).clean(p) for p in parts if p]

    def render(self, value, obj=None, **kwargs):
        return "、".join(ChoiceLabelWidget.render(self, v) for v in (value or []))


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is neither 是 nor 否") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related row by one of its fields (a department by its name), refused in Chinese when unknown."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s is called “%(value)s”") % {"model": self.model._meta.verbose_name, "value": text}
            ) from None


def catalogue_resource(model, *, id_fields, exclude=(), choices=None, by_name=None):
    """A ModelResource of ``model``'s own fields (minus ``exclude``), headed by their verbose names.

    ``choices`` gives the choices of a field whose model field declares none (field -> choices; on a
    JSON field, the choices of its list); ``by_name`` the field of
    the related model a foreign key is written as (field -> related field, e.g. ``{"department": "name"}``).
    """
    choices = choices or {}
    by_name = by_name or {}
    attrs = {}
    names = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in exclude:
            continue
        if field.name in choices and isinstance(field, models.JSONField):
            widget = LabelListWidget(choices[field.name])
        elif field.name in choices:
            widget = ChoiceLabelWidget(choices[field.name])
        elif field.choices:
            widget = ChoiceLabelWidget(field.choices)
        elif isinstance(field, models.BooleanField):
            widget = YesNoWidget()
        elif field.is_relation:
            widget = NamedForeignKeyWidget(field.related_model, field=by_name[field.name])
        elif isinstance(field, models.DecimalField):
            widget = widgets.DecimalWidget()
        elif isinstance(field, models.IntegerField):
            widget = widgets.IntegerWidget()
        else:
            widget = widgets.CharWidget() if isinstance(field, models.CharField | models.TextField) else None
        attrs[field.name] = fields.Field(attribute=field.name, column_name=field.verbose_name, widget=widget)
        names.append(field.name)
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": names,
            "import_id_fields": list(id_fields),
            "skip_unchanged": True,
            "report_skipped": True,
            "clean_model_instances": True,
        },
    )
    return type(f"{model.__name__}CatalogueResource", (resources.ModelResource,), {**attrs, "Meta": meta})
