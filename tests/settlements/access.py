from tests.place_writes import PlaceWrite, form_data
from tests.settlements.factories import yangkou_rows

FOREIGN_KWARGS = {
    "settlement_pk": lambda cast: cast.yangkou_site.pk,
    "facility_pk": lambda cast: yangkou_rows(cast)["facility"].pk,
    "hazard_pk": lambda cast: yangkou_rows(cast)["hazard"].pk,
    "photo_pk": lambda cast: yangkou_rows(cast)["photo"].pk,
    "activity_pk": lambda cast: yangkou_rows(cast)["activity"].pk,
    "dispute_pk": lambda cast: yangkou_rows(cast)["dispute"].pk,
    "request_pk": lambda cast: yangkou_rows(cast)["request"].pk,
    "asset_pk": lambda cast: yangkou_rows(cast)["asset"].pk,
}
_LEDGERS = ["facility", "hazard", "activity", "dispute", "request", "asset"]
LIST_URLS = {
    "settlements:settlement_list",
    "settlements:ledger_index",
    "settlements:maintenance_list",
    "settlements:maintenance_print",
    *[f"settlements:{name}_{page}" for name in _LEDGERS for page in ("list", "print", "create", "export")],
    # Workbooks too: the matrix reads their cells.
    "settlements:maintenance_export",
    "settlements:asset_income_export",
}


def MARKERS(cast):
    rows = yangkou_rows(cast)
    return [
        cast.yangkou_site.name,
        rows["facility"].name,
        rows["hazard"].description,
        rows["activity"].title,
        rows["dispute"].parties,
        rows["request"].content,
        rows["asset"].name,
    ]


def _ledger_data(cast, name, **overrides):
    from settlements import forms

    form_class = {
        "facility": forms.FacilityForm,
        "hazard": forms.HazardForm,
        "activity": forms.ActivityForm,
        "dispute": forms.DisputeForm,
        "request": forms.RequestForm,
        "asset": forms.AssetForm,
    }[name]
    form = form_class(instance=yangkou_rows(cast)[name], user=cast.admin)
    return form_data(form, **overrides)


def _count(name):
    from django.apps import apps

    model = {"facility": "Facility", "hazard": "SafetyHazard", "activity": "CommunityActivity",
             "dispute": "DisputeMediation", "request": "ResidentRequest", "asset": "ProjectAsset"}[name]  # fmt: skip
    return apps.get_model("settlements", model).objects.count()


def _site_of(cast, name):
    row = yangkou_rows(cast)[name]
    return type(row).objects.get(pk=row.pk).settlement_id


def _foreign_create(name, user, site):
    """``user`` records a ledger row in ``site`` ("yangkou_site" or "hengshan_site"), which is not theirs."""
    before = {}

    def data(cast):
        posted = _ledger_data(cast, name, settlement=getattr(cast, site).pk, household_code=None)
        before["count"] = _count(name)
        return posted

    return PlaceWrite(
        f"{user} records a {name} in a site of another township",
        f"settlements:{name}_create",
        user,
        data=data,
        left=lambda cast: _count(name) != before["count"],
    )


def _clear_site(name):
    return PlaceWrite(
        f"site staff clear the site of their {name}",
        f"settlements:{name}_edit",
        "carol",
        kwargs=lambda cast: {f"{name}_pk": yangkou_rows(cast)[name].pk},
        data=lambda cast: _ledger_data(cast, name, settlement=None),
        left=lambda cast: _site_of(cast, name) != cast.yangkou_site.pk,
    )


PLACE_WRITES = [
    *[_foreign_create(name, "bob", "yangkou_site") for name in _LEDGERS],
    *[_foreign_create(name, "carol", "hengshan_site") for name in _LEDGERS],
    *[_clear_site(name) for name in _LEDGERS],
]
