import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import choose_single_place
from accounts.scope import get_for_user_or_404, scope_of
from exchange.export import export_filename, xlsx_response
from portal.files import private_file_response
from portal.pagination import paginate
from portal.params import int_param
from relocation.idnumbers import mask_id_number
from relocation.models import Household
from settlements.models import Settlement, Township

from . import elimination, procedure, services
from .assessments import AssessmentForm, assessment_record
from .digest import screening_run_alerts
from .forms import (
    ApplicationForm,
    DismissForm,
    IdentifyForm,
    LedgerEntryForm,
    LedgerMonthForm,
    NoteForm,
    RosterUploadForm,
    VisitForm,
)
from .models import Alert, DepartmentRoster, LedgerEntry, MonitoringCase, ScreeningRun, Thresholds
from .roster import RosterError, mask_ids_in, parse_roster
from .selectors import visits_due_for, visits_overdue_for


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


# Alerts -----------------------------------------------------------------------------------------


RUN_FILTER_DAYS = 60  # how far back the queue's "screening run" filter offers runs


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("All")), *Alert.Status.choices]
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"), required=False, choices=[("", gettext_lazy("All")), *Alert.Rule.choices]
    )
    township = forms.ModelChoiceField(
        label=gettext_lazy("Township"),
        required=False,
        queryset=Township.objects.none(),
        empty_label=gettext_lazy("All"),
    )
    settlement = forms.ModelChoiceField(
        label=gettext_lazy("Settlement site"),
        required=False,
        queryset=Settlement.objects.none(),
        empty_label=gettext_lazy("All"),
    )
    # The link in a "screening raised n alerts" notification: the alerts of that run.
    run = forms.ModelChoiceField(
        label=gettext_lazy("Screening run"),
        required=False,
        queryset=ScreeningRun.objects.none(),
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        self.fields["settlement"].queryset = Settlement.objects.for_user(user)
        self.fields["run"].queryset = ScreeningRun.objects.filter(
            status=ScreeningRun.Status.FINISHED,
            alerts_raised__gt=0,
            started_at__gte=timezone.now() - datetime.timedelta(days=RUN_FILTER_DAYS),
        ).order_by("-started_at")
        choose_single_place(self, user)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"


def _filtered_alerts(request):
    data = request.GET.copy()
    data.setdefault("status", Alert.Status.OPEN)
    form = AlertFilterForm(data, user=request.user)
    alerts = Alert.objects.for_user(request.user).select_related("household", "household__township")
    if form.is_valid():
        c = form.cleaned_data
        if c["status"]:
            alerts = alerts.filter(status=c["status"])
        if c["rule"]:
            alerts = alerts.filter(rule=c["rule"])
        if c["township"]:
            alerts = alerts.filter(household__township=c["township"])
        if c["settlement"]:
            alerts = alerts.filter(household__settlement=c["settlement"])
        if c["run"]:
            alerts = screening_run_alerts(c["run"], alerts)
    return form, alerts.order_by("created_at", "pk")


@login_required
@permission_required("monitoring.view_alert", raise_exception=True)
@require_GET
def alert_list(request):
    form, alerts = _filtered_alerts(request)
    thresholds = Thresholds.for_date()
    days = thresholds.verification_days if thresholds else 3
    if _wants_export(request):
        rows = (
            (
                a.household.code,
                a.household.head_name,
                a.household.township.name,
                a.get_rule_display(),
                a.period,
                a.get_status_display(),
                timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
                _evidence_text(a),
                a.resolution,
            )
            for a in alerts.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("预警清单"),
            title=_("Alerts"),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Rule"),
                _("Period"),
                _("Status"),
                _("Raised at"),
                _("Evidence"),
                _("Resolution"),
            ],
            rows=rows,
            object_type="monitoring.alert",
            subtitle=str(timezone.localdate()),
        )
    page = paginate(request, alerts)
    overdue_before = timezone.now() - datetime.timedelta(days=days)
    return render(
        request,
        "monitoring/alert_list.html",
        {"form": form, "page_obj": page, "alerts": page.object_list, "overdue_before": overdue_before, "days": days},
    )


def _evidence_text(alert: Alert) -> str:
    from .evidence import text

    return text(alert.evidence)


@login_required
@permission_required("monitoring.view_alert", raise_exception=True)
@require_http_methods(["GET", "POST"])
def alert_detail(request, alert_pk):
    alert = get_for_user_or_404(Alert.objects.select_related("household", "case"), request.user, pk=alert_pk)
    dismiss_form = DismissForm(prefix="dismiss")
    identify_form = IdentifyForm(prefix="identify", alert=alert)
    if request.method == "POST":
        if not request.user.has_perm("monitoring.change_alert"):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "dismiss":
                dismiss_form = DismissForm(request.POST, prefix="dismiss")
                if dismiss_form.is_valid():
                    services.alert_dismiss(alert=alert, reason=dismiss_form.cleaned_data["reason"], actor=request.user)
                    messages.success(request, _("The alert has been dismissed."))
                    return redirect("monitoring:alert_list")
            elif action == "identify":
                identify_form = IdentifyForm(request.POST, prefix="identify", alert=alert)
                if identify_form.is_valid():
                    case = services.alert_identify(alert=alert, actor=request.user, **identify_form.cleaned_data)
                    messages.success(request, _("The identification has started: record the household check next."))
                    return redirect("monitoring:case_detail", case_pk=case.pk)
        except ValidationError as exc:
            _errors_to_form(identify_form if action == "identify" else dismiss_form, exc)
    thresholds = Thresholds.for_date()
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert,
            "household": alert.household,
            "dismiss_form": dismiss_form,
            "identify_form": identify_form,
            "due": alert.verification_due(thresholds),
            "today": timezone.localdate(),
        },
    )


# Visits and ledgers ------------------------------------------------------------------------------


@login_required
@permission_required("monitoring.add_visit", raise_exception=True)
@require_GET
def visits_due(request):
    today = timezone.localdate()
    households = visits_due_for(request.user, within_days=14, today=today).select_related("township", "settlement")
    if _wants_export(request):
        rows = (
            (
                h.code,
                h.head_name,
                h.township.name,
                h.settlement.name if h.settlement else "",
                h.get_status_display(),
                h.last_visit_on,
                h.visit_due_on,
            )
            for h in households.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("回访到期清单"),
            title=_("Visits due"),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Monitoring status"),
                _("Last visit"),
                _("Visit due"),
            ],
            rows=rows,
            object_type="monitoring.visit",
            subtitle=str(today),
        )
    page = paginate(request, households)
    return render(
        request, "monitoring/visits_due.html", {"page_obj": page, "households": page.object_list, "today": today}
    )


@login_required
@permission_required("monitoring.add_visit", raise_exception=True)
@require_GET
def visits_overdue(request):
    """The work list of overdue visits (回访逾期) for township and site staff; searchable, exportable."""
    today = timezone.localdate()
    households = visits_overdue_for(request.user, today=today).select_related("township", "settlement")
    term = (request.GET.get("q") or "").strip()[:50]
    if term:
        households = households.filter(Q(code__icontains=term) | Q(head_name__icontains=term))
    township = int_param(request, "township")
    if township:
        households = households.filter(township_id=township)
    if _wants_export(request):
        rows = (
            (
                h.code,
                h.head_name,
                h.township.name,
                h.settlement.name if h.settlement else "",
                h.get_status_display(),
                h.last_visit_on,
                h.visit_due_on,
                (today - h.visit_due_on).days,
            )
            for h in households.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("回访逾期清单"),
            title=_("Overdue visits"),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Monitoring status"),
                _("Last visit"),
                _("Visit due"),
                _("Days overdue"),
            ],
            rows=rows,
            object_type="monitoring.visit",
            subtitle=str(today),
        )
    page = paginate(request, households)
    for h in page.object_list:
        h.days_overdue = (today - h.visit_due_on).days
    return render(
        request,
        "monitoring/visits_overdue.html",
        {
            "page_obj": page,
            "households": page.object_list,
            "today": today,
            "q": term,
            "township": township,
            "townships": Township.objects.for_user(request.user),
        },
    )


@login_required
@permission_required("monitoring.add_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    members = household.members.all()
    form = VisitForm(request.POST or None, request.FILES or None, members=members)
    # The visit's short 两不愁三保障 section (monitoring/assessments.py), recorded when ticked.
    assess = AssessmentForm(request.POST or None, household=household, prefix="assess")
    with_assessment = request.POST.get("record_assessment") == "1"
    assess_ok = not with_assessment or assess.is_valid()
    if request.method == "POST" and form.is_valid() and assess_ok:
        c = form.cleaned_data
        try:
            with transaction.atomic():
                visit = _record_visit(request, household, form, c)
                if with_assessment:
                    assessment_record(
                        household=household,
                        assessed_on=assess.cleaned_data["assessed_on"],
                        members=assess.member_rows(),
                        actor=request.user,
                        visit=visit,
                        **assess.household_values(),
                    )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The visit has been recorded. Next visit due %(date)s.") % {"date": visit.next_visit_on.isoformat()},
            )
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(
        request,
        "monitoring/visit_form.html",
        {"form": form, "household": household, "assess": assess, "with_assessment": with_assessment},
    )


def _record_visit(request, household, form, c):
    return services.visit_record(
        household=household,
        visited_on=c["visited_on"],
        findings=c["findings"],
        actor=request.user,
        other_visitors=c["other_visitors"],
        difficulties=c["difficulties"],
        next_visit_on=c["next_visit_on"],
        member_employment=form.member_employment(),
        ledger=form.ledger(),
        photos=c["photos"],
    )


@login_required
@permission_required("monitoring.add_ledgerentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def ledger_create(request, household_pk):
    """A month of the ledger: the month first; a month already entered opens with its figures.

    Saving is refused when the month changed since the form was loaded (services.ledger_version),
    so that nobody overwrites a colleague's figures without seeing them.
    """
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    month_form = LedgerMonthForm(request.POST if request.method == "POST" else request.GET or None)
    if not month_form.is_valid():
        months = LedgerEntry.objects.filter(household=household).order_by("-period").values_list("period", flat=True)
        return render(
            request,
            "monitoring/ledger_form.html",
            {"month_form": month_form, "household": household, "months": months[:24]},
        )
    period = month_form.cleaned_data["period"]
    entry = LedgerEntry.objects.filter(household=household, period=period).select_related("recorded_by").first()
    if request.method == "POST":
        form = LedgerEntryForm(request.POST, instance=entry)
    else:
        initial = {"period": period, "version": services.ledger_version(entry)}
        if entry is None:
            initial["household_size"] = household.members.count() or None
        form = LedgerEntryForm(instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        try:
            services.ledger_entry_save(
                household=household,
                period=c.pop("period"),
                actor=request.user,
                household_size=c.pop("household_size"),
                community_integration=c.pop("community_integration"),
                notes=c.pop("notes"),
                expected_version=c.pop("version"),
                **c,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                # Show the month as it is now, with its new fingerprint, and say why nothing was saved.
                entry = LedgerEntry.objects.filter(household=household, period=period).first()
                initial = {"period": period, "version": services.ledger_version(entry)}
                form = LedgerEntryForm(instance=entry, initial=initial)
                form.cleaned_data = {}
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The ledger of %(month)s has been saved.") % {"month": f"{period:%Y-%m}"})
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(
        request,
        "monitoring/ledger_form.html",
        {"form": form, "household": household, "period": period, "entry": entry},
    )


@login_required
@permission_required("monitoring.add_application", raise_exception=True)
@require_http_methods(["GET", "POST"])
def application_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_record(household=household, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The application has been recorded and entered in the alert queue."))
            return redirect("monitoring:alert_detail", alert_pk=application.alert_id)
    return render(request, "monitoring/application_form.html", {"form": form, "household": household})


# Cases ------------------------------------------------------------------------------------------


@login_required
@permission_required("monitoring.view_monitoringcase", raise_exception=True)
@require_GET
def case_list(request):
    status = request.GET.get("status", "open")
    cases = MonitoringCase.objects.for_user(request.user).select_related("household", "household__township")
    # The dashboards' township and site pages link here narrowed to their place.
    place = None
    township_pk, settlement_pk = int_param(request, "township"), int_param(request, "settlement")
    if settlement_pk is not None:
        place = Settlement.objects.for_user(request.user).filter(pk=settlement_pk).first()
        cases = cases.filter(household__settlement_id=settlement_pk) if place else cases.none()
    elif township_pk is not None:
        place = Township.objects.for_user(request.user).filter(pk=township_pk).first()
        cases = cases.filter(household__township_id=township_pk) if place else cases.none()
    if status == "open":
        cases = cases.filter(status__in=MonitoringCase.OPEN_STATUSES)
    elif status in MonitoringCase.Status.values:
        cases = cases.filter(status=status)
    thresholds = Thresholds.for_date()
    if _wants_export(request):
        rows = (
            (
                c.household.code,
                c.household.head_name,
                c.household.township.name,
                c.get_object_type_display(),
                "、".join(c.risk_type_labels()),
                c.get_discovery_channel_display(),
                c.get_status_display(),
                procedure.step_label(c.next_step) if c.next_step else "",
                c.identified_at,
                c.eliminated_at,
            )
            for c in cases.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("监测对象清单"),
            title=_("Monitoring cases"),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Object type"),
                _("Risk types"),
                _("Discovery channel"),
                _("Status"),
                _("Next step"),
                _("Identified on"),
                _("Risk eliminated on"),
            ],
            rows=rows,
            object_type="monitoring.monitoringcase",
            subtitle=str(timezone.localdate()),
        )
    page = paginate(request, cases)
    for case in page.object_list:
        case.position = procedure.position(case, thresholds)
    statuses = [("open", _("Open")), *MonitoringCase.Status.choices]
    return render(
        request,
        "monitoring/case_list.html",
        {"page_obj": page, "cases": page.object_list, "status": status, "statuses": statuses, "place": place},
    )


@login_required
@permission_required("monitoring.view_monitoringcase", raise_exception=True)
@require_GET
def case_detail(request, case_pk):
    case = get_for_user_or_404(MonitoringCase.objects.select_related("household"), request.user, pk=case_pk)
    thresholds = Thresholds.for_date()
    steps = list(
        case.steps.select_related("recorded_by", "notice").prefetch_related("actors", "evidence").order_by("pk")
    )
    can_propose = (
        case.status in (MonitoringCase.Status.APPROVED, MonitoringCase.Status.LONG_TERM) and not case.procedure
    )
    preconditions = elimination.unmet_preconditions(case) if can_propose or case.procedure == "elimination" else []
    measures = elimination.open_measures(case, thresholds) if thresholds and can_propose else None
    return render(
        request,
        "monitoring/case_detail.html",
        {
            "case": case,
            "household": case.household,
            "alerts": case.alerts.order_by("created_at"),
            "position": procedure.position(case, thresholds),
            "chains": procedure.chain_picture(case, steps),
            "steps": steps,
            "can_propose": can_propose,
            "preconditions": preconditions,
            "measures": measures,
            "next_permitted": bool(case.next_step) and request.user.has_perm(procedure.STEP_PERMISSION[case.next_step]),
            "note_form": NoteForm(),
        },
    )


def _long_term(case, approve, note, actor):
    return services.case_track_long_term(case=case, note=note, actor=actor)


# The steps of the procedure have their own page (procedure_views.case_step); only this stays here.
CASE_ACTIONS = {
    "long_term": ("monitoring.eliminate_monitoringcase", _long_term),
}


@login_required
@require_POST
def case_action(request, case_pk, action):
    case = get_for_user_or_404(MonitoringCase, request.user, pk=case_pk)
    if action not in CASE_ACTIONS:
        raise PermissionDenied
    permission, call = CASE_ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        call(case, request.POST.get("decision") != "reject", form.cleaned_data.get("note", ""), request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The case has been updated."))
    return redirect("monitoring:case_detail", case_pk=case.pk)


# Department rosters -----------------------------------------------------------------------------


@login_required
@permission_required("monitoring.view_departmentroster", raise_exception=True)
@require_GET
def roster_list(request):
    rosters = DepartmentRoster.objects.for_user(request.user).select_related("department", "uploaded_by")
    page = paginate(request, rosters)
    return render(request, "monitoring/roster_list.html", {"page_obj": page, "rosters": page.object_list})


@login_required
@permission_required("monitoring.add_departmentroster", raise_exception=True)
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    department = request.user.department
    if department is None:
        raise PermissionDenied(_("Your account belongs to no department; ask the administrator."))
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            rows = parse_roster(c["file"])
        except RosterError as exc:
            form.add_error("file", str(exc))
        else:
            roster = services.roster_upload(
                department=department,
                fact=c["fact"],
                period=c["period"],
                title=c["title"],
                rows=rows,
                actor=request.user,
                file_name=c["file"].name,
            )
            messages.success(
                request,
                _("%(matched)s of %(rows)s rows matched a relocated household member and were assigned.")
                % {"matched": roster.matched_count, "rows": roster.row_count},
            )
            return redirect("monitoring:roster_detail", roster_pk=roster.pk)
    return render(request, "monitoring/roster_form.html", {"form": form})


ROSTER_TEMPLATE_HEADER = ["序号", "姓名", "身份证号", "情况说明", "金额（元）"]


@login_required
@permission_required("monitoring.add_departmentroster", raise_exception=True)
@require_GET
def roster_template(request):
    """An empty roster workbook with the columns the upload reads; the ID column is text, so Excel
    keeps all 18 digits."""
    import tempfile

    from django.http import FileResponse
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from exchange.export import XLSX_CONTENT_TYPE

    book = Workbook()
    sheet = book.active
    sheet.title = _("Roster")
    sheet.append([_("Department data screening roster: one person a row, under the header; do not change the header.")])
    sheet["A1"].font = Font(bold=True)
    sheet.append(ROSTER_TEMPLATE_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (8, 12, 24, 40, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in range(3, 2003):
        sheet.cell(row=row, column=3).number_format = "@"
    notes = book.create_sheet(_("Instructions"))
    for line in (
        _("身份证号 is required: 18 characters, typed as text (the column is already text)."),
        _("姓名 and 情况说明 help the township verify; 金额（元） is the amount the department records, if any."),
        _("Only the first sheet is read. Rows under the header are read until the end of the sheet."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{_('Roster template')}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def _row_outcome(row) -> str:
    """What became of a roster row, as the bureau sees it: 交办 then 反馈."""
    if row.alert_id is None:
        # Rows stored before messages were masked may still carry a full ID number.
        return _("Not matched: %(problem)s") % {"problem": mask_ids_in(row.problem)}
    if row.alert.status == Alert.Status.OPEN:
        return _("Assigned to %(township)s, awaiting verification") % {"township": row.township}
    if row.alert.status == Alert.Status.DISMISSED:
        return _("Feedback: verified, no risk (%(reason)s)") % {"reason": row.alert.resolution}
    return _("Feedback: identified as a monitoring object")


@login_required
@permission_required("monitoring.view_departmentroster", raise_exception=True)
@require_GET
def roster_detail(request, roster_pk):
    roster = get_for_user_or_404(DepartmentRoster.objects.select_related("department"), request.user, pk=roster_pk)
    rows = roster.rows.select_related("township", "alert").order_by("row_number")
    show = request.GET.get("show", "")
    if show == "unmatched":
        rows = rows.filter(alert__isnull=True)
    elif show == "matched":
        rows = rows.filter(alert__isnull=False)
    full = request.user.can_see_personal_data()
    if _wants_export(request):
        data = (
            (
                r.row_number,
                r.id_number if full else mask_id_number(r.id_number),
                r.name,
                r.detail,
                r.amount,
                r.township.name if r.township else "",
                _row_outcome(r),
            )
            for r in rows.iterator(chunk_size=2000)
        )
        return xlsx_response(
            request=request,
            filename=export_filename(f"部门筛查反馈_{roster.pk}"),
            title=roster.title,
            columns=[
                _("Row"),
                _("ID number"),
                pgettext("person", "Name"),
                _("Detail"),
                _("Amount (yuan)"),
                _("Township"),
                _("Outcome"),
            ],
            rows=data,
            object_type="monitoring.rosterrow",
            subtitle=f"{roster.department} {roster.period}",
            detail=f"roster={roster.pk}",
        )
    page = paginate(request, rows)
    for r in page.object_list:
        r.outcome = _row_outcome(r)
    counts = roster.rows.aggregate(
        open=Count("pk", filter=Q(alert__status=Alert.Status.OPEN)),
        done=Count("pk", filter=Q(alert__isnull=False) & ~Q(alert__status=Alert.Status.OPEN)),
    )
    return render(
        request,
        "monitoring/roster_detail.html",
        {"roster": roster, "page_obj": page, "rows": page.object_list, "show": show, "counts": counts, "full": full},
    )


# Thresholds -------------------------------------------------------------------------------------


@login_required
@permission_required("monitoring.view_thresholds", raise_exception=True)
@require_GET
def thresholds_list(request):
    years = Thresholds.objects.select_related("updated_by").order_by("-year")
    changes = Thresholds.history.select_related("history_user").order_by("-history_date")[:30]
    runs = ScreeningRun.objects.order_by("-started_at")[:10] if scope_of(request.user).everything else []
    return render(request, "monitoring/thresholds_list.html", {"years": years, "changes": changes, "runs": runs})


@login_required
@require_GET
def visit_photo(request, visit_photo_pk):
    """A visit photo, only to those who may see the household (uploaded files are never served publicly)."""
    from django.shortcuts import get_object_or_404

    from .models import VisitPhoto

    photo = get_object_or_404(
        VisitPhoto, pk=visit_photo_pk, visit__household__in=Household.objects.for_user(request.user).values("pk")
    )
    return private_file_response(photo.image)
