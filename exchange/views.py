import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import AccessLog, log_access
from accounts.scope import get_for_user_or_404
from accounts.widgets import BootstrapFormMixin
from portal.cache import background_available, background_unavailable_message
from portal.pagination import paginate

from . import reader, services, workbooks
from .export import XLSX_CONTENT_TYPE
from .models import ImportRecord, Reconciliation

# What an import of each kind writes, and so which permissions it needs besides the import pages.
WRITE_PERMISSIONS = {
    "households": ["relocation.add_household", "relocation.change_household", "relocation.add_member",
                   "relocation.change_member"],
    "members": ["relocation.add_member", "relocation.change_member"],
    "ledgers": ["monitoring.add_ledgerentry", "monitoring.change_ledgerentry"],
    "incomes": ["monitoring.add_annualincome", "monitoring.change_annualincome"],
    "cadres": ["cadres.add_householdcadre", "cadres.change_householdcadre"],
    "facilities": ["settlements.add_facility", "settlements.change_facility"],
    "hazards": ["settlements.add_safetyhazard", "settlements.change_safetyhazard"],
    "activities": ["settlements.add_communityactivity", "settlements.change_communityactivity"],
    "requests": ["settlements.add_residentrequest", "settlements.change_residentrequest"],
    "assets": ["settlements.add_projectasset", "settlements.change_projectasset"],
    "employment": ["assistance.add_employmentrecord", "assistance.change_employmentrecord"],
}  # fmt: skip


class UploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the workbook holds"), choices=ImportRecord.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx, .xls or .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.et"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, label) for k, label in ImportRecord.Kind.choices if user.has_perms(WRITE_PERMISSIONS[k])
        ]


def may_import(user, kind: str) -> bool:
    return user.has_perm("exchange.add_importrecord") and user.has_perms(WRITE_PERMISSIONS[kind])


@login_required
@permission_required("exchange.view_importrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_list(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("exchange.add_importrecord"):
            raise PermissionDenied
        if not background_available():
            # Refused before anything is stored: the check and the commit need the background worker.
            form.add_error(None, background_unavailable_message())
        elif form.is_valid():
            kind = form.cleaned_data["kind"]
            if not may_import(request.user, kind):
                raise PermissionDenied
            try:
                record = services.import_upload(user=request.user, uploaded_file=form.cleaned_data["file"], kind=kind)
            except reader.BadFile as exc:
                form.add_error("file", str(exc))
            else:
                services.import_start_preview(record=record)
                return redirect("exchange:import_detail", record_pk=record.pk)
    records = ImportRecord.objects.for_user(request.user).select_related("user")
    return render(
        request,
        "exchange/import_list.html",
        {"form": form, "page_obj": paginate(request, records), "kinds": ImportRecord.Kind.choices},
    )


def sheet_kind_label(kind: str | None) -> str:
    """A sheet's kind as the preview names it: 户信息表, 家庭成员表, or the import kind's name."""
    sheets = {"households": _("Household sheet"), "members": _("Member sheet")}
    if not kind:
        return ""
    if kind in sheets:
        return sheets[kind]
    return str(ImportRecord.Kind(kind).label) if kind in ImportRecord.Kind.values else kind


@login_required
@permission_required("exchange.view_importrecord", raise_exception=True)
@require_GET
def import_detail(request, record_pk):
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    errors = paginate(request, _errors_for(request.user, record), per_page=50)
    hidden = sum(s.get("hidden", 0) for s in record.sheets if s.get("kind"))
    for sheet in record.sheets:  # "识别为": what the sheet was read as, in words (never "households")
        sheet["kind_label"] = sheet_kind_label(sheet.get("kind"))
    return render(
        request,
        "exchange/import_detail.html",
        {
            "record": record,
            "page_obj": errors,
            "progress": services.progress_of(record),
            "interrupted": services.is_interrupted(record),
            "liveness": services.liveness(record),
            "stale": services.stale_after(),
            "hidden_rows": hidden,
        },
    )


@login_required
@permission_required("exchange.view_importrecord", raise_exception=True)
@require_GET
def import_progress(request, record_pk):
    """The progress bar, polled by htmx while a background import runs; a finished import reloads the page."""
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    liveness = services.liveness(record)
    context = {
        "record": record,
        "progress": services.progress_of(record),
        "interrupted": liveness == "interrupted",
        "liveness": liveness,
        "stale": services.stale_after(),
    }
    response = render(request, "exchange/_progress.html", context)
    if not record.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@permission_required("exchange.add_importrecord", raise_exception=True)
@require_POST
def import_confirm(request, record_pk):
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    if record.user_id != request.user.pk or not may_import(request.user, record.kind):
        raise PermissionDenied
    if record.background and not background_available():
        messages.error(request, background_unavailable_message())
        return redirect("exchange:import_detail", record_pk=record.pk)
    try:
        record = services.import_start_commit(record=record, actor=request.user)
    except services.ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        if record.status == ImportRecord.Status.COMMITTED:
            messages.success(
                request,
                _("Imported: %(new)s new rows, %(updated)s updated, %(unchanged)s unchanged.")
                % {"new": record.rows_new, "updated": record.rows_updated, "unchanged": record.rows_unchanged},
            )
    return redirect("exchange:import_detail", record_pk=record.pk)


@login_required
@permission_required("exchange.add_importrecord", raise_exception=True)
@require_POST
def import_map_columns(request, record_pk):
    """「这一列是…」: the user maps unrecognised columns to fields; remembered for the township."""
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    if record.user_id != request.user.pk or not may_import(request.user, record.kind):
        raise PermissionDenied
    choices = {}
    for index, sheet in enumerate(record.sheets):
        for position, header in enumerate(sheet.get("unrecognised") or []):
            choices[(index, header)] = request.POST.get(f"map-{index}-{position}", "")
    try:
        services.map_columns(record=record, user=request.user, choices=choices)
    except services.ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("The columns are mapped and the workbook was checked again."))
    return redirect("exchange:import_detail", record_pk=record.pk)


@login_required
@permission_required("exchange.add_importrecord", raise_exception=True)
@require_POST
def import_rerun(request, record_pk):
    """Queue an interrupted background import again (its worker was killed or never started)."""
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    if record.user_id != request.user.pk or not may_import(request.user, record.kind):
        raise PermissionDenied
    if not background_available():
        messages.error(request, background_unavailable_message())
        return redirect("exchange:import_detail", record_pk=record.pk)
    try:
        services.import_rerun(record=record, actor=request.user)
    except services.ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("The import has been queued again."))
    return redirect("exchange:import_detail", record_pk=record.pk)


@login_required
@permission_required("exchange.add_importrecord", raise_exception=True)
@require_POST
def import_cancel(request, record_pk):
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    if record.user_id != request.user.pk:
        raise PermissionDenied
    try:
        services.import_cancel(record=record)
    except services.ImportBlocked as exc:
        messages.error(request, str(exc))
        return redirect("exchange:import_detail", record_pk=record.pk)
    messages.info(request, _("The import has been cancelled; nothing was written."))
    return redirect("exchange:import_list")


@login_required
@permission_required("exchange.view_importrecord", raise_exception=True)
@require_GET
def import_errors(request, record_pk):
    """The invalid rows as uploaded, with an error column: fix them and upload the file again."""
    record = get_for_user_or_404(ImportRecord, request.user, pk=record_pk)
    if not record.errors or not record.file:
        raise Http404
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    full = request.user.can_see_personal_data()
    written = workbooks.error_workbook(record, spool, errors=_errors_for(request.user, record), mask=not full)
    # The rows as uploaded hold names, ID numbers and phones: every download is in the access log.
    log_access(request.user, AccessLog.Action.EXPORT, record, rows=written,
               detail="错误行工作簿" + ("" if full else "（已脱敏）"))  # fmt: skip
    spool.seek(0)
    stem = record.file_name.rsplit(".", 1)[0]
    return FileResponse(
        spool, as_attachment=True, filename=f"{stem}_{_('errors')}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def _errors_for(user, record) -> list[dict]:
    """The import's errors as ``user`` may read them: ID numbers and mobile numbers masked unless their
    role may see full numbers (issue 20, item 10)."""
    if user.can_see_personal_data():
        return record.errors
    from accounts.logging import mask_text

    return [{k: mask_text(v) if isinstance(v, str) else v for k, v in e.items()} for e in record.errors]


@login_required
@permission_required("exchange.view_importrecord", raise_exception=True)
@require_GET
def import_template(request, kind):
    if kind not in ImportRecord.Kind.values:
        raise Http404
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbooks.template_workbook(kind, spool)
    spool.seek(0)
    label = ImportRecord.Kind(kind).label
    return FileResponse(
        spool, as_attachment=True, filename=f"{_('Import template')}_{label}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


class ReconcileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export of the national 防返贫监测信息系统 (.xlsx, .xls or .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.et"}),
    )


@login_required
@permission_required("exchange.view_reconciliation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reconcile_list(request):
    """账账相符: upload an export of the national system; the comparison writes nothing."""
    form = ReconcileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("exchange.add_reconciliation"):
            raise PermissionDenied
        if form.is_valid():
            try:
                found = services.reconciliation_run(user=request.user, uploaded_file=form.cleaned_data["file"])
            except reader.BadFile as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("exchange:reconcile_detail", reconciliation_pk=found.pk)
    runs = Reconciliation.objects.for_user(request.user).select_related("user").defer("result")
    return render(request, "exchange/reconcile_list.html", {"form": form, "page_obj": paginate(request, runs)})


def _id_mask(user):
    from relocation.idnumbers import mask_id_number

    return (lambda value: value or "") if user.can_see_personal_data() else mask_id_number


@login_required
@permission_required("exchange.view_reconciliation", raise_exception=True)
@require_GET
def reconcile_detail(request, reconciliation_pk):
    found = get_for_user_or_404(Reconciliation, request.user, pk=reconciliation_pk)
    mask = _id_mask(request.user)
    townships = []
    for t in found.result.get("townships", []):
        townships.append(
            {
                **t,
                "only_portal": [{**e, "id_shown": mask(e["id_number"])} for e in t["only_portal"]],
                "only_national": [{**e, "id_shown": mask(e["id_number"])} for e in t["only_national"]],
                "different": [{**e, "id_shown": mask(e["id_number"])} for e in t["different"]],
            }
        )
    if request.user.can_see_personal_data():
        from accounts.models import AccessLog, log_access

        shown = sum(len(t["only_portal"]) + len(t["only_national"]) + len(t["different"]) for t in townships)
        log_access(request.user, AccessLog.Action.UNMASK, found, rows=shown, detail="账账相符")
    return render(
        request,
        "exchange/reconcile_detail.html",
        {"found": found, "townships": townships, "result": found.result},
    )


@login_required
@permission_required("exchange.view_reconciliation", raise_exception=True)
@require_GET
def reconcile_export(request, reconciliation_pk):
    """The findings as a workbook to take back to the national system; ID numbers masked by role."""
    from . import reconcile
    from .export import xlsx_response

    found = get_for_user_or_404(Reconciliation, request.user, pk=reconciliation_pk)
    rows = reconcile.workbook_rows(found.result, mask=_id_mask(request.user))
    return xlsx_response(
        request=request,
        filename=f"{_('Reconciliation with the national system')}_{found.created_at:%Y%m%d%H%M}.xlsx",
        title=_("Reconciliation with the national system"),
        subtitle=found.file_name,
        columns=reconcile.workbook_columns(),
        rows=rows,
        object_type="exchange.reconciliation",
        detail=f"账账相符 #{found.pk} {found.file_name}",
    )
