"""Pages of the programme ledgers: the list, export, form and row pages come from the same views for every
ledger described in ``programmes.ledgers``; the rows kept under a row (workers, repayments, allocations)
have their own small views."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import get_for_user_or_404
from assistance.models import EmploymentRecord
from exchange import reader
from exchange.export import export_filename, xlsx_response
from portal.pagination import paginate
from relocation.idnumbers import mask_id_number
from settlements.history import changes_of
from settlements.ledgers import LedgerFilterForm

from . import coverage, imports, selectors, services
from .forms import (
    AllocationForm,
    ExtensionForm,
    ReliefWorkerForm,
    RepaymentForm,
    SalesChannelForm,
    WorkerLeaveForm,
    WorkshopWorkerEditForm,
    WorkshopWorkerForm,
)
from .ledgers import LEDGERS
from .models import (
    FundAllocation,
    LibraryProject,
    Loan,
    LoanExtension,
    LoanRepayment,
    ProgrammeSettings,
    ReliefProject,
    ReliefWorker,
    SalesChannel,
    Workshop,
    WorkshopWorker,
)

INDEX = ["workshops", "relief", "loans", "products", "sales", "benefits", "library", "funds", "trainings", "employment"]


def _check(request, ledger, action):
    if not request.user.has_perm(ledger.perm(action)):
        raise PermissionDenied


def _mask(request) -> bool:
    return not request.user.can_see_personal_data()


def _filtered(request, ledger):
    form = LedgerFilterForm(request.GET or None, ledger=ledger, user=request.user)
    queryset = ledger.queryset_for(request.user)
    if request.GET:
        queryset = form.apply(queryset)
    return form, queryset


def _save_or_errors(form, call):
    """Run a service; its ValidationError becomes form errors the user can read."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                if name in form.fields:
                    form.add_error(name, errors)
                else:
                    # A rule on a field the form does not show: the message names the field.
                    label = _field_label(form, name)
                    form.add_error(None, [f"{label}：{m}" if label else m for e in errors for m in e.messages])
        else:
            form.add_error(None, exc.messages)
        return None


def _field_label(form, name) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        return str(model._meta.get_field(name).verbose_name) if model and name != "__all__" else ""
    except Exception:  # not a model field: no label to give
        return ""


def _urls(ledger, record=None) -> dict:
    urls = {page: reverse(ledger.url_name(page)) for page in ("list", "export")}
    if ledger.form_class is not None:
        urls["create"] = reverse(ledger.url_name("create"))
    if record is not None:
        urls["detail"] = _row_url(ledger, record)
        if ledger.form_class is not None:
            urls["edit"] = reverse(ledger.url_name("edit"), kwargs={ledger.key: record.pk})
        if ledger.deletable:
            urls["delete"] = reverse(ledger.url_name("delete"), kwargs={ledger.key: record.pk})
    return urls


def _row_url(ledger, obj) -> str:
    if isinstance(obj, EmploymentRecord):
        return reverse("relocation:household_detail", kwargs={"household_pk": obj.household_id})
    if isinstance(obj, FundAllocation):
        return reverse("programmes:project_detail", kwargs={"project_pk": obj.project_id})
    return reverse(ledger.detail_url, kwargs={ledger.key: obj.pk})


@login_required
@require_GET
def ledger_index(request):
    """The programme ledgers the user may read, with their row counts in the user's area."""
    cards = []
    for slug in INDEX:
        ledger = LEDGERS[slug]
        if request.user.has_perm(ledger.perm("view")):
            count = ledger.model.objects.for_user(request.user).count()
            cards.append({"ledger": ledger, "count": count, "url": reverse(ledger.url_name("list"))})
    return render(request, "programmes/index.html", {"cards": cards})


@login_required
@require_GET
def ledger_list(request, ledger):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    page = paginate(request, queryset)
    columns = [c for c in ledger.columns if c.in_list]
    mask = _mask(request)
    rows = [(_row_url(ledger, obj), [c.get(obj, mask) for c in columns]) for obj in page.object_list]
    extra = {}
    if ledger.slug == "relief":
        extra["return_url"] = reverse("programmes:relief_return")
    if ledger.slug == "benefits":
        extra["summary_url"] = reverse("programmes:benefit_summary")
    if ledger.slug == "trainings" and request.user.has_perm("assistance.add_trainingrecord"):
        extra["import_url"] = reverse("programmes:training_import")
    if ledger.slug in ("sales", "products"):
        extra["channels_url"] = reverse("programmes:channel_list")
    if ledger.slug == "workshops":
        extra["preferential_url"] = reverse("programmes:workshop_preferential")
    return render(
        request,
        "programmes/ledger_list.html",
        {
            "ledger": ledger,
            "filter_form": form,
            "page_obj": page,
            "headers": [c.header for c in columns],
            "rows": rows,
            "can_add": ledger.form_class is not None and request.user.has_perm(ledger.perm("add")),
            "query": request.GET.urlencode(),
            "urls": _urls(ledger),
            **extra,
        },
    )


@login_required
@require_GET
def ledger_export(request, ledger):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    site, period = form.describe(request.user)
    mask = _mask(request)
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


def _get(request, ledger, pk):
    return get_for_user_or_404(ledger.queryset_for(request.user), request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_create(request, ledger):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "add")
    initial = {}
    for name in ("settlement", "township", "product"):
        if request.GET.get(name, "").isdigit():
            initial[name] = request.GET[name]
    form = ledger.form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = _save_or_errors(form, lambda: _save(form.instance, request.user))
        if record is not None:
            messages.success(request, _("The record has been saved."))
            return redirect(_row_url(ledger, record))
    return render(request, "programmes/ledger_form.html", {"ledger": ledger, "form": form, "urls": _urls(ledger)})


def _save(instance, user):
    if isinstance(instance, LibraryProject):
        return services.library_project_save(project=instance, actor=user)
    if isinstance(instance, Loan):
        return services.loan_save(loan=instance, actor=user)
    return services.record_save(record=instance, actor=user)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_edit(request, ledger, **kwargs):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "change")
    record = _get(request, ledger, kwargs[ledger.key])
    # The form gets its own copy: an invalid POST leaves its instance half-filled (a household of
    # None), and the page around the form still shows the record as saved.
    form = ledger.form_class(
        request.POST or None, instance=_get(request, ledger, kwargs[ledger.key]), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_or_errors(form, lambda: _save(form.instance, request.user))
        if saved is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect(_row_url(ledger, record))
    return render(
        request,
        "programmes/ledger_form.html",
        {"ledger": ledger, "form": form, "record": record, "urls": _urls(ledger, record)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_delete(request, ledger, **kwargs):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "delete")
    record = _get(request, ledger, kwargs[ledger.key])
    if request.method == "POST":
        services.record_delete(record=record, actor=request.user)
        messages.success(request, _("The record has been deleted; its history is kept."))
        return redirect(ledger.url_name("list"))
    return render(
        request, "programmes/ledger_delete.html", {"ledger": ledger, "record": record, "urls": _urls(ledger, record)}
    )


def _children_histories(record):
    if isinstance(record, Workshop):
        return [WorkshopWorker.history.filter(workshop_id=record.pk)]
    if isinstance(record, ReliefProject):
        return [ReliefWorker.history.filter(project_id=record.pk)]
    if isinstance(record, Loan):
        return [LoanRepayment.history.filter(loan_id=record.pk), LoanExtension.history.filter(loan_id=record.pk)]
    if isinstance(record, LibraryProject):
        return [FundAllocation.history.filter(project_id=record.pk)]
    return []


def _detail_context(request, ledger, record, **forms):
    """What a row's page shows; ``forms`` replaces a blank form with one that failed, errors and all."""
    mask = _mask(request)
    today = timezone.localdate()
    user = request.user
    context = {
        "ledger": ledger,
        "record": record,
        "fields": [(c.header, c.get(record, mask)) for c in ledger.columns],
        "changes": changes_of([record.history.all(), *_children_histories(record)], mask=mask),
        "can_change": ledger.form_class is not None and user.has_perm(ledger.perm("change")),
        "can_delete": ledger.deletable and user.has_perm(ledger.perm("delete")),
        "urls": _urls(ledger, record),
        "mask": mask,
    }
    if isinstance(record, Workshop):
        context["workers"] = _masked(record.workers.select_related("member", "household").order_by("-start_date"), mask)
        context["worker_form"] = WorkshopWorkerForm(user=user, initial={"start_date": today})
        context["leave_form"] = WorkerLeaveForm(initial={"end_date": today})
        context["can_add_child"] = user.has_perm("programmes.add_workshopworker")
    elif isinstance(record, ReliefProject):
        context["workers"] = _masked(record.workers.select_related("member", "household"), mask)
        context["worker_form"] = ReliefWorkerForm(user=user)
        context["can_add_child"] = user.has_perm("programmes.add_reliefworker")
    elif isinstance(record, Loan):
        context["repayments"] = record.repayments.all()
        context["extensions"] = record.extensions.all()
        context["repayment_form"] = RepaymentForm(initial={"paid_on": today})
        context["extension_form"] = ExtensionForm(initial={"approved_on": today})
        context["can_add_child"] = user.has_perm("programmes.add_loanrepayment")
        context["alert"] = record.overdue_alert
        context["threshold"] = ProgrammeSettings.current().loan_overdue_days
    elif isinstance(record, LibraryProject):
        context["allocations"] = record.allocations.all()
        context["allocation_form"] = AllocationForm(initial={"allocated_on": today, "source": record.main_source})
        context["can_add_child"] = user.has_perm("programmes.add_fundallocation")
    context.update(forms)
    return context


def _masked(queryset, mask):
    rows = list(queryset)
    for row in rows:
        row.shown_id = mask_id_number(row.member.id_number) if mask else row.member.id_number
    return rows


@login_required
@require_GET
def ledger_detail(request, ledger, **kwargs):
    ledger = LEDGERS[ledger]
    _check(request, ledger, "view")
    record = _get(request, ledger, kwargs[ledger.key])
    return render(request, "programmes/ledger_detail.html", _detail_context(request, ledger, record))


def _rerender(request, ledger, record, name, form):
    messages.error(request, _("The form has errors; see below."))
    record = _get(request, ledger, record.pk)
    return render(
        request, "programmes/ledger_detail.html", _detail_context(request, ledger, record, **{name: form}), status=400
    )


# Rows kept under a row ---------------------------------------------------------------------------


@login_required
@permission_required("programmes.add_workshopworker", raise_exception=True)
@require_POST
def workshop_worker_add(request, workshop_pk):
    workshop = get_for_user_or_404(Workshop.objects.select_related("settlement"), request.user, pk=workshop_pk)
    form = WorkshopWorkerForm(request.POST, user=request.user)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.workshop_worker_add(workshop=workshop, worker=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The worker has been added; the member's employment is recorded."))
            return redirect("programmes:workshop_detail", workshop_pk=workshop.pk)
    return _rerender(request, LEDGERS["workshops"], workshop, "worker_form", form)


@login_required
@permission_required("programmes.change_workshopworker", raise_exception=True)
@require_POST
def workshop_worker_leave(request, workshop_pk, worker_pk):
    workshop = get_for_user_or_404(Workshop, request.user, pk=workshop_pk)
    worker = get_for_user_or_404(WorkshopWorker, request.user, pk=worker_pk, workshop=workshop)
    form = WorkerLeaveForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form,
            lambda: services.workshop_worker_leave(
                worker=worker, end_date=form.cleaned_data["end_date"], actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The worker's last day has been recorded."))
            return redirect("programmes:workshop_detail", workshop_pk=workshop.pk)
    return _rerender(request, LEDGERS["workshops"], workshop, "leave_form", form)


def _worker_page(request, ledger, parent, worker, form, service, remove_url):
    """A worker's own form: correct the row, or remove it (both kept in the history)."""
    if request.method == "POST" and form.is_valid():
        saved = _save_or_errors(form, lambda: service(worker=form.instance, actor=request.user))
        if saved is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect(_row_url(ledger, parent))
    return render(
        request,
        "programmes/worker_form.html",
        {
            "ledger": ledger,
            "record": parent,
            "worker": worker,
            "shown_id": _masked([worker], _mask(request))[0].shown_id,
            "form": form,
            "remove_url": remove_url,
            "can_remove": request.user.has_perm(f"programmes.delete_{worker._meta.model_name}"),
            "urls": _urls(ledger, parent),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("programmes.change_workshopworker", raise_exception=True)
@require_http_methods(["GET", "POST"])
def workshop_worker_edit(request, workshop_pk, worker_pk):
    workshop = get_for_user_or_404(Workshop, request.user, pk=workshop_pk)
    worker = get_for_user_or_404(
        WorkshopWorker.objects.select_related("member"), request.user, pk=worker_pk, workshop=workshop
    )
    instance = WorkshopWorker.objects.select_related("member", "employment").get(pk=worker.pk)
    form = WorkshopWorkerEditForm(request.POST or None, instance=instance, user=request.user)
    remove_url = reverse(
        "programmes:workshop_worker_remove", kwargs={"workshop_pk": workshop.pk, "worker_pk": worker.pk}
    )
    return _worker_page(
        request, LEDGERS["workshops"], workshop, worker, form, services.workshop_worker_update, remove_url
    )


@login_required
@permission_required("programmes.delete_workshopworker", raise_exception=True)
@require_POST
def workshop_worker_remove(request, workshop_pk, worker_pk):
    workshop = get_for_user_or_404(Workshop, request.user, pk=workshop_pk)
    worker = get_for_user_or_404(
        WorkshopWorker.objects.select_related("employment"), request.user, pk=worker_pk, workshop=workshop
    )
    services.workshop_worker_remove(worker=worker, actor=request.user)
    messages.success(request, _("The worker has been removed; the history keeps the row."))
    return redirect("programmes:workshop_detail", workshop_pk=workshop.pk)


@login_required
@permission_required("programmes.change_reliefworker", raise_exception=True)
@require_http_methods(["GET", "POST"])
def relief_worker_edit(request, relief_pk, relief_worker_pk):
    project = get_for_user_or_404(ReliefProject, request.user, pk=relief_pk)
    worker = get_for_user_or_404(
        ReliefWorker.objects.select_related("member"), request.user, pk=relief_worker_pk, project=project
    )
    instance = ReliefWorker.objects.select_related("member", "project").get(pk=worker.pk)
    form = ReliefWorkerForm(request.POST or None, instance=instance, user=request.user)
    remove_url = reverse(
        "programmes:relief_worker_remove", kwargs={"relief_pk": project.pk, "relief_worker_pk": worker.pk}
    )
    return _worker_page(request, LEDGERS["relief"], project, worker, form, services.relief_worker_update, remove_url)


@login_required
@permission_required("programmes.delete_reliefworker", raise_exception=True)
@require_POST
def relief_worker_remove(request, relief_pk, relief_worker_pk):
    project = get_for_user_or_404(ReliefProject, request.user, pk=relief_pk)
    worker = get_for_user_or_404(ReliefWorker, request.user, pk=relief_worker_pk, project=project)
    services.relief_worker_remove(worker=worker, actor=request.user)
    messages.success(request, _("The worker has been removed; the history keeps the row."))
    return redirect("programmes:relief_detail", relief_pk=project.pk)


@login_required
@require_GET
def workshop_preferential(request):
    """Employers absorbing at least the administrator's number of relocated workers (policy 三、3)."""
    ledger = LEDGERS["workshops"]
    _check(request, ledger, "view")
    threshold = ProgrammeSettings.current().many_workers
    workshops = ledger.queryset_for(request.user).filter(current_workers__gte=threshold).order_by("-current_workers")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request=request,
            filename=export_filename(_("Employers for preferential support")),
            title=_("Employers absorbing many relocated workers"),
            subtitle=_("At least %(n)s relocated workers") % {"n": threshold},
            columns=[
                _("Name"),
                _("Township"),
                _("Settlement site"),
                _("Kind"),
                _("Operator"),
                _("Relocated people working there"),
            ],
            rows=(
                [
                    w.name,
                    w.settlement.township.name,
                    w.settlement.name,
                    w.get_kind_display(),
                    w.operator,
                    w.current_workers,
                ]
                for w in workshops
            ),
            object_type="programmes.workshop",
        )
    return render(
        request,
        "programmes/workshop_preferential.html",
        {"workshops": workshops, "threshold": threshold, "ledger": ledger},
    )


@login_required
@permission_required("programmes.add_reliefworker", raise_exception=True)
@require_POST
def relief_worker_add(request, relief_pk):
    project = get_for_user_or_404(ReliefProject, request.user, pk=relief_pk)
    form = ReliefWorkerForm(request.POST, user=request.user)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.relief_worker_add(project=project, worker=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The worker's days and wages have been recorded."))
            return redirect("programmes:relief_detail", relief_pk=project.pk)
    return _rerender(request, LEDGERS["relief"], project, "worker_form", form)


@login_required
@require_GET
def relief_return(request):
    """The work-for-relief return in the layout the development and reform commission asks for."""
    ledger = LEDGERS["relief"]
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    site, period = form.describe(request.user)
    rows = (selectors.relief_return_row(p, n) for n, p in enumerate(queryset.order_by("township__code", "name"), 1))
    return xlsx_response(
        request=request,
        filename=export_filename(_("Work-for-relief return")),
        title=_("Work-for-relief projects: employment of relocated people"),
        subtitle=_("Site: %(site)s    Period: %(period)s") % {"site": site, "period": period},
        columns=selectors.RELIEF_RETURN_COLUMNS(),
        rows=rows,
        object_type="programmes.reliefproject",
        detail=request.GET.urlencode()[:500],
    )


@login_required
@permission_required("programmes.add_loanrepayment", raise_exception=True)
@require_POST
def loan_repay(request, loan_pk):
    loan = get_for_user_or_404(Loan, request.user, pk=loan_pk)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.loan_repay(loan=loan, repayment=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The repayment has been recorded."))
            return redirect("programmes:loan_detail", loan_pk=loan.pk)
    return _rerender(request, LEDGERS["loans"], loan, "repayment_form", form)


@login_required
@permission_required("programmes.add_loanextension", raise_exception=True)
@require_POST
def loan_extend(request, loan_pk):
    loan = get_for_user_or_404(Loan, request.user, pk=loan_pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.loan_extend(loan=loan, extension=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The renewal or extension has been recorded."))
            return redirect("programmes:loan_detail", loan_pk=loan.pk)
    return _rerender(request, LEDGERS["loans"], loan, "extension_form", form)


@login_required
@permission_required("programmes.add_fundallocation", raise_exception=True)
@require_POST
def project_allocate(request, project_pk):
    project = get_for_user_or_404(LibraryProject, request.user, pk=project_pk)
    form = AllocationForm(request.POST)
    if form.is_valid():
        saved = _save_or_errors(
            form, lambda: services.allocation_add(project=project, allocation=form.instance, actor=request.user)
        )
        if saved is not None:
            messages.success(request, _("The allocation has been recorded."))
            return redirect("programmes:project_detail", project_pk=project.pk)
    return _rerender(request, LEDGERS["library"], project, "allocation_form", form)


@login_required
@permission_required("programmes.view_saleschannel", raise_exception=True)
@require_GET
def channel_list(request):
    """The district-wide sales channels and the user's sites' own, which their staff add and change."""
    channels = SalesChannel.objects.for_user(request.user).select_related("settlement", "settlement__township")
    kept = set(SalesChannel.objects.kept_by(request.user).values_list("pk", flat=True))
    can_change = request.user.has_perm("programmes.change_saleschannel")
    return render(
        request,
        "programmes/channel_list.html",
        {
            "channels": [(c, can_change and c.pk in kept) for c in channels],
            "can_add": request.user.has_perm("programmes.add_saleschannel"),
            "ledger": LEDGERS["sales"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_form(request, channel_pk=None):
    """Add a channel of one's site, or change one the user keeps (another site's, or a district one: 404)."""
    action = "change" if channel_pk else "add"
    if not request.user.has_perm(f"programmes.{action}_saleschannel"):
        raise PermissionDenied
    channel = None
    if channel_pk:
        channel = get_object_or_404(SalesChannel.objects.kept_by(request.user), pk=channel_pk)
    initial = {"settlement": request.GET["settlement"]} if request.GET.get("settlement", "").isdigit() else {}
    form = SalesChannelForm(request.POST or None, instance=channel, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_or_errors(form, lambda: services.record_save(record=form.instance, actor=request.user))
        if saved is not None:
            messages.success(request, _("The sales channel has been saved."))
            return redirect("programmes:channel_list")
    return render(request, "programmes/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_GET
def benefit_summary(request):
    """Benefit linkage summed per township and site, by kind: households, area, yearly income."""
    ledger = LEDGERS["benefits"]
    _check(request, ledger, "view")
    form, queryset = _filtered(request, ledger)
    rows = selectors.benefit_summary(queryset)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request=request,
            filename=export_filename(_("Benefit linkage by site")),
            title=_("Benefit linkage by township and site"),
            columns=[
                _("Township"),
                _("Settlement site"),
                _("Kind of linkage"),
                _("Households"),
                _("Area (mu)"),
                _("Yearly income (yuan)"),
            ],
            rows=([r["township"], r["site"], r["kind"], r["households"], r["area"], r["income"]] for r in rows),
            object_type="programmes.benefitlink",
        )
    return render(
        request,
        "programmes/benefit_summary.html",
        {"rows": rows, "ledger": ledger, "filter_form": form, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def policy_coverage(request):
    """The policy's 25 measures: responsible units, what records their work, and the latest figures."""
    if not request.user.has_perm("assistance.view_policytask"):
        raise PermissionDenied
    measures = coverage.coverage_for(request.user)
    return render(request, "programmes/coverage.html", {"measures": measures})


# Training rosters from Excel ----------------------------------------------------------------------

IMPORT_SESSION_KEY = "programmes_training_import"


def _stored_roster(request):
    name = request.session.get(IMPORT_SESSION_KEY)
    return name if name and default_storage.exists(name) else None


@login_required
@permission_required("assistance.add_trainingrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def training_import(request):
    """Upload a training roster: every bad cell is named before anything is written."""
    context = {"ledger": LEDGERS["trainings"], "max_mb": reader.max_upload_bytes() // (1024 * 1024)}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["problem"] = _("Choose the roster's Excel file.")
        elif upload.size > reader.max_upload_bytes():
            context["problem"] = _("The file is larger than %(mb)s MB.") % {"mb": context["max_mb"]}
        else:
            old = _stored_roster(request)
            if old:
                default_storage.delete(old)
            name = default_storage.save(f"programmes/imports/{uuid.uuid4().hex}.xlsx", upload)
            request.session[IMPORT_SESSION_KEY] = name
            try:
                result = imports.analyse(default_storage.path(name), user=request.user)
            except reader.BadFile as exc:
                context["problem"] = str(exc)
            else:
                context["result"] = result
    return render(request, "programmes/training_import.html", context, status=400 if "problem" in context else 200)


@login_required
@permission_required("assistance.add_trainingrecord", raise_exception=True)
@require_POST
def training_import_confirm(request):
    """Check the uploaded roster again and write it, all rows or none."""
    name = _stored_roster(request)
    if name is None:
        messages.error(request, _("Upload the roster again: the uploaded file is no longer there."))
        return redirect("programmes:training_import")
    try:
        result = imports.analyse(default_storage.path(name), user=request.user)
    except reader.BadFile as exc:
        messages.error(request, str(exc))
        return redirect("programmes:training_import")
    if result.error_count:
        messages.error(request, _("The roster has errors; nothing was written."))
        return render(request, "programmes/training_import.html", {"ledger": LEDGERS["trainings"], "result": result},
                      status=400)  # fmt: skip
    added = imports.apply(result, actor=request.user)
    default_storage.delete(name)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        _("%(n)s trainings added; %(u)s were already recorded.") % {"n": added, "u": result.unchanged},
    )
    return redirect("programmes:training_list")


@login_required
@permission_required("assistance.add_trainingrecord", raise_exception=True)
@require_GET
def training_import_template(request):
    """The roster's template: its headers and one example row."""
    return xlsx_response(
        request=request,
        filename=export_filename(_("Training roster template")),
        title=str(imports.SPEC.title),
        columns=[str(c.header) for c in imports.COLUMNS],
        rows=[[c.example for c in imports.COLUMNS]],
        object_type="assistance.trainingrecord",
    )
