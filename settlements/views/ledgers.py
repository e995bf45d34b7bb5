"""The site ledgers' pages, written once for every ledger described in ``settlements.ledgers``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import AccessLog, log_access
from accounts.scope import get_for_user_or_404
from exchange.export import export_filename, xlsx_response
from portal import search
from portal.files import private_file_response
from portal.pagination import paginate

from .. import services
from ..forms import (
    AnswerForm,
    AssetIncomeForm,
    CloseForm,
    HazardPhotoForm,
    MaintenanceForm,
    OrganisationForm,
    RectifyForm,
)
from ..history import changes_of
from ..ledgers import LEDGERS, LedgerFilterForm, distribution_columns, distribution_row
from ..models import (
    AssetIncome,
    Facility,
    FacilityMaintenance,
    HazardPhoto,
    ProjectAsset,
    ResidentRequest,
    SafetyHazard,
    Settlement,
)

PRINT_LIMIT = 2000  # a printed ledger longer than this is a workbook's job


def _ledger(slug):
    return LEDGERS[slug]


def _check(request, ledger, action):
    if not request.user.has_perm(ledger.perm(action)):
        raise PermissionDenied


def _filter_data(request):
    """The list's filters from the URL, and its search term from the session (``s=``), never from ``?q=``.

    A search may be a name or a phone: it is posted and kept out of URLs, as on the household list
    (portal/search.py); a ``q`` left in an old link is ignored."""
    data = request.GET.copy()
    data.pop("q", None)
    term = search.term_of(request)
    if term:
        data["q"] = term
    return data


def _filtered(request, ledger):
    data = _filter_data(request)
    form = LedgerFilterForm(data or None, ledger=ledger, user=request.user)
    queryset = ledger.queryset_for(request.user)
    if data:
        queryset = form.apply(queryset)
    return form, queryset


def _mask(request) -> bool:
    return not request.user.can_see_personal_data()


def _save_or_errors(form, call):
    """Run a service; its ValidationError becomes form errors the user can read."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None


@login_required
@require_GET
def ledger_index(request):
    """The five ledgers of the policy, with what needs attention in the user's area."""
    today = timezone.localdate()
    user = request.user
    cards = []
    for slug in ["facilities", "hazards", "activities", "disputes", "requests", "assets"]:
        ledger = LEDGERS[slug]
        if not user.has_perm(ledger.perm("view")):
            continue
        qs = ledger.model.objects.for_user(user)
        figures = {"total": qs.count()}
        if slug == "hazards":
            figures.update(qs.aggregate(
                open=Count("pk", filter=Q(rectified_on__isnull=True)),
                overdue=Count("pk", filter=Q(rectified_on__isnull=True, deadline__lt=today)),
            ))  # fmt: skip
        elif slug == "requests":
            figures.update(qs.aggregate(
                open=Count("pk", filter=~Q(status=ResidentRequest.Status.CLOSED)),
                overdue=Count("pk", filter=Q(status__in=services.OPEN_REQUEST, deadline__lt=today)),
            ))  # fmt: skip
        cards.append({"ledger": ledger, "figures": figures, "url": reverse(ledger.url_name("list"))})
    return render(request, "settlements/ledger_index.html", {"cards": cards})


@login_required
@require_http_methods(["GET", "POST"])
def ledger_list(request, ledger):
    ledger = _ledger(ledger)
    _check(request, ledger, "view")
    if request.method == "POST":
        # The filter form is posted: the search term goes to the session, the URL keeps only its key.
        return redirect(f"{request.path}?{search.redirect_query(request)}")
    form, queryset = _filtered(request, ledger)
    page = paginate(request, queryset)
    columns = [c for c in ledger.columns if c.in_list]
    mask = _mask(request)
    rows = [(_row_url(ledger, obj), [c.get(obj, mask) for c in columns]) for obj in page.object_list]
    return render(
        request,
        "settlements/ledger_list.html",
        {
            "ledger": ledger,
            "filter_form": form,
            "page_obj": page,
            "headers": [c.header for c in columns],
            "rows": rows,
            "can_add": ledger.form_class is not None and request.user.has_perm(ledger.perm("add")),
            "query": request.GET.urlencode(),
            "export_url": reverse(ledger.url_name("export")),
            "print_url": reverse(ledger.url_name("print")),
            "create_url": reverse(ledger.url_name("create")) if ledger.form_class else "",
        },
    )


def _row_url(ledger, obj) -> str:
    if isinstance(obj, FacilityMaintenance):
        return reverse("settlements:facility_detail", kwargs={"facility_pk": obj.facility_id})
    return reverse(ledger.detail_url, kwargs={ledger.key: obj.pk})


@login_required
@require_GET
def ledger_export(request, ledger):
    ledger = _ledger(ledger)
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    site, period = form.describe(request.user)
    mask = _mask(request)
    # iterator() with a chunk size keeps prefetch_related working and memory flat.
    rows = ([c.get(obj, mask) for c in ledger.columns] for obj in queryset.iterator(chunk_size=500))
    return xlsx_response(
        request=request,
        filename=export_filename(str(ledger.title)),
        title=str(ledger.title),
        subtitle=_("Site: %(site)s    Period: %(period)s") % {"site": site, "period": period},
        columns=[str(c.header) for c in ledger.columns],
        rows=rows,
        object_type=ledger.model._meta.label_lower,
        detail=request.GET.urlencode()[:500],
    )


@login_required
@require_GET
def ledger_print(request, ledger):
    ledger = _ledger(ledger)
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    site, period = form.describe(request.user)
    mask = _mask(request)
    objects = list(queryset[: PRINT_LIMIT + 1])
    return render(
        request,
        "settlements/ledger_print.html",
        {
            "ledger": ledger,
            "site": site,
            "period": period,
            "headers": [c.header for c in ledger.columns],
            "rows": [[c.get(obj, mask) for c in ledger.columns] for obj in objects[:PRINT_LIMIT]],
            "truncated": len(objects) > PRINT_LIMIT,
            "limit": PRINT_LIMIT,
            "printed_at": timezone.localtime(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_create(request, ledger):
    ledger = _ledger(ledger)
    _check(request, ledger, "add")
    initial = {}
    if request.GET.get("settlement", "").isdigit():
        initial["settlement"] = request.GET["settlement"]
    form = ledger.form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = _save_or_errors(form, lambda: _save(ledger, form.instance, request.user))
        if record is not None:
            messages.success(request, _("The record has been saved."))
            return redirect(ledger.detail_url, **{ledger.key: record.pk})
    return render(request, "settlements/ledger_form.html", {"ledger": ledger, "form": form, "urls": _urls(ledger)})


def _urls(ledger, record=None) -> dict:
    urls = {page: reverse(ledger.url_name(page)) for page in ("list", "export", "print")}
    if record is not None and ledger.detail_url:
        urls["detail"] = reverse(ledger.detail_url, kwargs={ledger.key: record.pk})
        urls["edit"] = reverse(ledger.url_name("edit"), kwargs={ledger.key: record.pk})
    return urls


def _save(ledger, instance, user):
    if isinstance(instance, SafetyHazard):
        return services.hazard_save(hazard=instance, actor=user)
    if isinstance(instance, ResidentRequest):
        return services.request_save(resident_request=instance, actor=user)
    return services.ledger_record_save(record=instance, actor=user)


def _get(request, ledger, pk):
    return get_for_user_or_404(ledger.queryset_for(request.user), request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_edit(request, ledger, **kwargs):
    ledger = _ledger(ledger)
    _check(request, ledger, "change")
    record = _get(request, ledger, kwargs[ledger.key])
    form = ledger.form_class(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_or_errors(form, lambda: _save(ledger, form.instance, request.user))
        if saved is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect(ledger.detail_url, **{ledger.key: record.pk})
    return render(
        request,
        "settlements/ledger_form.html",
        {"ledger": ledger, "form": form, "record": record, "urls": _urls(ledger, record)},
    )


def _children_histories(record):
    if isinstance(record, Facility):
        return [FacilityMaintenance.history.filter(facility_id=record.pk)]
    if isinstance(record, SafetyHazard):
        return [HazardPhoto.history.filter(hazard_id=record.pk)]
    if isinstance(record, ProjectAsset):
        from ..models import AssetDistribution

        return [
            AssetIncome.history.filter(asset_id=record.pk),
            AssetDistribution.history.filter(income__asset_id=record.pk),
        ]
    return []


def _detail_context(request, ledger, record, **forms):
    """What a row's page shows; ``forms`` replaces a blank form with one that failed, errors and all."""
    mask = _mask(request)
    today = timezone.localdate()
    context = {
        "ledger": ledger,
        "record": record,
        # The household is a link below the fields, not a field again.
        "fields": [(c.header, c.get(record, mask)) for c in ledger.columns if c.in_detail],
        # Phones in the history are masked for everyone: the full number is behind 显示, and logged.
        "changes": changes_of([record.history.all(), *_children_histories(record)], mask=True),
        "can_change": request.user.has_perm(ledger.perm("change")) and ledger.form_class is not None,
        "urls": _urls(ledger, record),
    }
    if isinstance(record, Facility):
        context["maintenance"] = record.maintenance.all()[:100]
        context["maintenance_form"] = MaintenanceForm(initial={"date": today})
    elif isinstance(record, SafetyHazard):
        context["photos"] = record.photos.all()
        context["photo_form"] = HazardPhotoForm()
        context["rectify_form"] = RectifyForm(initial={"rectified_on": today})
    elif isinstance(record, ResidentRequest):
        context["answer_form"] = AnswerForm(initial={"answered_on": today})
        context["close_form"] = CloseForm()
        context["can_answer"] = request.user.has_perm("settlements.answer_residentrequest")
    elif isinstance(record, ProjectAsset):
        context["incomes"] = record.incomes.with_totals().order_by("-year")
    context.update(forms)
    return context


@login_required
@require_GET
def ledger_detail(request, ledger, **kwargs):
    ledger = _ledger(ledger)
    _check(request, ledger, "view")
    record = _get(request, ledger, kwargs[ledger.key])
    return render(request, "settlements/ledger_detail.html", _detail_context(request, ledger, record))


@login_required
@require_GET
def request_phone(request, request_pk):
    """A residents' request's full phone number, for a user allowed to see it; each look is logged."""
    ledger = LEDGERS["requests"]
    _check(request, ledger, "view")
    record = _get(request, ledger, request_pk)
    if not request.user.can_see_personal_data():
        raise PermissionDenied(_("You may not see full phone numbers."))
    log_access(request.user, AccessLog.Action.UNMASK, record, detail="requester_phone")
    return render(request, "settlements/_request_phone.html", {"record": record})


def _rerender(request, ledger, record, name, form):
    """Show a row's page again with the form that failed."""
    messages.error(request, _("The form has errors; see below."))
    context = _detail_context(request, ledger, record, **{name: form})
    return render(request, "settlements/ledger_detail.html", context, status=400)


@login_required
@permission_required("settlements.add_facilitymaintenance", raise_exception=True)
@require_POST
def maintenance_create(request, facility_pk):
    facility = get_for_user_or_404(Facility, request.user, pk=facility_pk)
    form = MaintenanceForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form,
            lambda: services.facility_maintenance_record(
                facility=facility, maintenance=form.instance, actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The maintenance record has been added."))
            return redirect("settlements:facility_detail", facility_pk=facility.pk)
    return _rerender(request, LEDGERS["facilities"], facility, "maintenance_form", form)


@login_required
@permission_required("settlements.change_safetyhazard", raise_exception=True)
@require_POST
def hazard_rectify(request, hazard_pk):
    hazard = get_for_user_or_404(SafetyHazard, request.user, pk=hazard_pk)
    form = RectifyForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form,
            lambda: services.hazard_rectify(
                hazard=hazard,
                rectified_on=form.cleaned_data["rectified_on"],
                rectification=form.cleaned_data["rectification"],
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The hazard has been marked rectified."))
            return redirect("settlements:hazard_detail", hazard_pk=hazard.pk)
    return _rerender(request, LEDGERS["hazards"], hazard, "rectify_form", form)


@login_required
@permission_required("settlements.add_hazardphoto", raise_exception=True)
@require_POST
def hazard_photo_add(request, hazard_pk):
    hazard = get_for_user_or_404(SafetyHazard, request.user, pk=hazard_pk)
    form = HazardPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.hazard_photo_add(hazard=hazard, photo=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The photo has been added."))
            return redirect("settlements:hazard_detail", hazard_pk=hazard.pk)
    return _rerender(request, LEDGERS["hazards"], hazard, "photo_form", form)


@login_required
@permission_required("settlements.view_safetyhazard", raise_exception=True)
@require_GET
def hazard_photo(request, hazard_pk, photo_pk):
    """The photo file itself, only to those who may see the hazard (media is never served publicly)."""
    photo = get_for_user_or_404(HazardPhoto, request.user, pk=photo_pk, hazard_id=hazard_pk)
    return private_file_response(photo.image)


@login_required
@permission_required("settlements.answer_residentrequest", raise_exception=True)
@require_POST
def request_answer(request, request_pk):
    item = get_for_user_or_404(ResidentRequest, request.user, pk=request_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form,
            lambda: services.request_answer(
                resident_request=item,
                answer=form.cleaned_data["answer"],
                answered_on=form.cleaned_data["answered_on"],
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The answer has been recorded."))
            return redirect("settlements:request_detail", request_pk=item.pk)
    return _rerender(request, LEDGERS["requests"], item, "answer_form", form)


@login_required
@permission_required("settlements.change_residentrequest", raise_exception=True)
@require_POST
def request_close(request, request_pk):
    item = get_for_user_or_404(ResidentRequest, request.user, pk=request_pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form,
            lambda: services.request_close(
                resident_request=item, satisfaction=form.cleaned_data["satisfaction"], actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The request has been closed."))
            return redirect("settlements:request_detail", request_pk=item.pk)
    return _rerender(request, LEDGERS["requests"], item, "close_form", form)


@login_required
@permission_required("settlements.change_projectasset", raise_exception=True)
@require_http_methods(["GET", "POST"])
def asset_income_edit(request, asset_pk):
    asset = get_for_user_or_404(ProjectAsset.objects.select_related("settlement"), request.user, pk=asset_pk)
    year = request.GET.get("year", "")
    existing = asset.incomes.filter(year=int(year)).first() if year.isdigit() else None
    initial = {"year": timezone.localdate().year - 1}
    if existing:
        initial = {
            "year": existing.year,
            "income": existing.income,
            "plan_approved_on": existing.plan_approved_on,
            "plan_approved_by": existing.plan_approved_by,
            "notes": existing.notes,
        }
        for line in existing.distributions.all():
            initial[f"planned_{line.use}"] = line.planned
            initial[f"spent_{line.use}"] = line.spent
    form = AssetIncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save_or_errors(
            form,
            lambda: services.asset_income_plan_save(
                asset=asset,
                year=data["year"],
                income=data["income"],
                distributions=form.distributions(),
                plan_approved_on=data["plan_approved_on"],
                plan_approved_by=data["plan_approved_by"],
                notes=data["notes"],
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The income distribution plan has been saved."))
            return redirect("settlements:asset_detail", asset_pk=asset.pk)
    return render(
        request, "settlements/asset_income_form.html", {"asset": asset, "form": form, "ledger": LEDGERS["assets"]}
    )


@login_required
@permission_required("settlements.view_projectasset", raise_exception=True)
@require_GET
def asset_income_export(request):
    """Every asset's yearly income and its distribution over the eight uses, as inspectors read it."""
    ledger = LEDGERS["assets"]
    data = _filter_data(request)
    form = LedgerFilterForm(data or None, ledger=ledger, user=request.user)
    assets = (
        form.apply(ledger.model.objects.for_user(request.user)) if data else ledger.model.objects.for_user(request.user)
    )
    incomes = (
        AssetIncome.objects.filter(asset__in=assets.values("pk"))
        .select_related("asset", "asset__settlement", "asset__settlement__township")
        .prefetch_related("distributions")
        .with_totals()
        .order_by("asset__settlement__township__code", "asset__settlement__code", "asset__name", "-year")
    )
    if request.GET.get("year", "").isdigit():
        incomes = incomes.filter(year=int(request.GET["year"]))
    site, period = form.describe(request.user)
    rows = (
        [
            i.asset.settlement.township.name,
            i.asset.settlement.name,
            i.asset.name,
            i.asset.get_kind_display(),
            i.year,
            i.income,
            *distribution_row(i),
            i.planned_total or 0,
            i.spent_total or 0,
            (i.income - (i.planned_total or 0)),
            i.plan_approved_on or "",
            i.plan_approved_by,
        ]
        for i in incomes.iterator(chunk_size=500)
    )
    return xlsx_response(
        request=request,
        filename=export_filename(_("Asset income distribution")),
        title=_("Project asset income distribution ledger"),
        subtitle=_("Site: %(site)s    Period: %(period)s") % {"site": site, "period": period},
        columns=[
            _("Township"),
            _("Settlement site"),
            _("Asset"),
            _("Asset kind"),
            _("Year"),
            _("Income (yuan)"),
            *distribution_columns(),
            _("Planned in all (yuan)"),
            _("Spent in all (yuan)"),
            _("Not distributed (yuan)"),
            _("Plan approved on"),
            _("Approved by"),
        ],
        rows=rows,
        object_type="settlements.assetincome",
        detail=request.GET.urlencode()[:500],
    )


@login_required
@permission_required("settlements.change_settlement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, settlement_pk):
    settlement = get_for_user_or_404(Settlement, request.user, pk=settlement_pk)
    form = OrganisationForm(request.POST or None, instance=settlement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The site organisation has been saved."))
        return redirect("settlements:settlement_detail", settlement_pk=settlement.pk)
    return render(request, "settlements/organisation_form.html", {"settlement": settlement, "form": form})
