import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Department
from accounts.scope import get_for_user_or_404, scope_of
from cadres.selectors import measure_defaults
from exchange.export import xlsx_response
from portal import search
from portal.files import private_file_response
from portal.pagination import paginate
from portal.params import MAX_ID, int_param
from relocation.idnumbers import mask_phone
from relocation.models import Household
from settlements.models import Settlement, Township

from . import forms, selectors, services
from .models import (
    AssistancePlan,
    EmploymentRecord,
    HousingExtension,
    Measure,
    PolicyTask,
    ProgressReport,
    ReportAttachment,
    TaskAssignment,
    WelfarePost,
)


def _fail(form, exc: ValidationError):
    """Put a service's refusal on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _search(request, queryset, *fields):
    """Narrow by the posted search term (kept out of the URL), over the given lookups."""
    term = search.term_of(request)
    if term:
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__icontains": term})
        queryset = queryset.filter(q)
    return term, queryset


def _post_search_redirect(request):
    return redirect(f"{request.path}?{search.redirect_query(request)}")


def _subtitle(request) -> str:
    return f"{request.user.display_name} · {timezone.localdate():%Y-%m-%d}"


def _d(value):
    return value.strftime("%Y-%m-%d") if value else ""


# ---------------------------------------------------------------------------------------------
# Plans and measures
# ---------------------------------------------------------------------------------------------


@login_required
@permission_required("assistance.view_assistanceplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_list(request):
    if request.method == "POST":
        return _post_search_redirect(request)
    plans = AssistancePlan.objects.for_user(request.user).select_related("household__township", "case")
    status = request.GET.get("status", "")
    if status in AssistancePlan.Status.values:
        plans = plans.filter(status=status)
    term, plans = _search(request, plans, "household__code", "household__head_name", "summary")
    plans = plans.annotate(
        measure_count=Count("measures"), done_count=Count("measures", filter=Q(measures__status="done"))
    )
    if _wants_export(request):
        rows = (
            (
                p.household.code, p.household.head_name, p.household.township.name,
                p.case.get_object_type_display() if p.case else _("Outside a case"),
                "、".join(p.case.risk_type_labels()) if p.case else "", p.summary, _d(p.drawn_up_on),
                p.get_status_display(), p.measure_count, p.done_count,
            )
            for p in plans.order_by("household__code", "-drawn_up_on").iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename="assistance-plans",
            title=_("Assistance plans"),
            subtitle=_subtitle(request),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Monitoring object type"),
                _("Risk types"),
                _("Difficulties and aims"),
                _("Drawn up on"),
                _("Status"),
                _("Measures"),
                _("Done"),
            ],
            rows=rows,
            object_type="assistance.assistanceplan",
        )
    page = paginate(request, plans.order_by("-drawn_up_on", "-pk"))
    return render(
        request,
        "assistance/plan_list.html",
        {"page_obj": page, "plans": page.object_list, "term": term, "status": status,
         "statuses": AssistancePlan.Status.choices},
    )  # fmt: skip


@login_required
@permission_required("assistance.add_assistanceplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_create(request, household_pk):
    from monitoring.models import MonitoringCase

    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    case = MonitoringCase.objects.filter(household=household, status__in=MonitoringCase.OPEN_STATUSES).first()
    suggestions = list(selectors.suggestions_for(case.risk_types if case else []))
    initial = {"suggestions": [str(s.pk) for s in suggestions], **measure_defaults(household, request.user)}
    form = forms.PlanForm(request.POST or None, suggestions=suggestions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                household=household,
                case=case,
                summary=form.cleaned_data["summary"],
                cadre=form.cleaned_data["cadre"],
                suggestion_ids=[int(pk) for pk in form.cleaned_data["suggestions"]],
                actor=request.user,
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The assistance plan has been drawn up."))
            return redirect("assistance:plan_detail", plan_pk=plan.pk)
    return render(request, "assistance/plan_form.html", {"form": form, "household": household, "case": case})


@login_required
@permission_required("assistance.view_assistanceplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_detail(request, plan_pk):
    plan = get_for_user_or_404(
        AssistancePlan.objects.select_related("household__township", "case", "drawn_up_by"), request.user, pk=plan_pk
    )
    if request.method == "POST":
        if not request.user.has_perm("assistance.change_assistanceplan"):
            raise PermissionDenied
        status = request.POST.get("status")
        if status in AssistancePlan.Status.values:
            plan.status = status
            plan.save(update_fields=["status", "updated_at"])
            messages.success(request, _("The changes have been saved."))
        return redirect("assistance:plan_detail", plan_pk=plan.pk)
    measures = plan.measures.select_related("department")
    return render(
        request,
        "assistance/plan_detail.html",
        {"plan": plan, "measures": measures, "household": plan.household, "statuses": AssistancePlan.Status.choices},
    )


@login_required
@permission_required("assistance.add_measure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def measure_create(request, plan_pk):
    plan = get_for_user_or_404(AssistancePlan, request.user, pk=plan_pk)
    initial = measure_defaults(plan.household, request.user)  # the household's 帮扶责任人 first
    form = forms.MeasureForm(request.POST or None, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_create(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The measure has been added."))
            return redirect("assistance:plan_detail", plan_pk=plan.pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "title": _("New measure"), "back": plan, "household": plan.household},
    )


@login_required
@permission_required("assistance.change_measure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def measure_edit(request, measure_pk):
    measure = get_for_user_or_404(
        # Through the plans in scope: a bureau sees its measures but does not edit other units' plans.
        Measure.objects.filter(plan__in=AssistancePlan.objects.for_user(request.user).values("pk")),
        request.user,
        pk=measure_pk,
    )
    form = forms.MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(measure=measure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("assistance:plan_detail", plan_pk=measure.plan_id)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "title": _("Edit measure"), "back": measure.plan, "household": measure.household},
    )


def _measure_rows(measures):
    for m in measures.iterator(chunk_size=500):
        h = m.household
        case = m.plan.case
        yield (
            h.code, h.head_name, h.township.name, h.settlement.name if h.settlement else "",
            case.get_object_type_display() if case else _("Outside a case"),
            "、".join(case.risk_type_labels()) if case else "",
            m.get_measure_type_display(), m.description, m.department.name, m.cadre, mask_phone(m.cadre_phone),
            _d(m.start_date), _d(m.end_date), m.amount, m.get_status_display(), m.outcome,
        )  # fmt: skip


MEASURE_COLUMNS = [
    "Household code", "Head of household", "Township", "Settlement site", "Monitoring object type", "Risk types",
    "Measure type", "Measure", "Responsible department", "Cadre responsible", "Cadre's phone", "Start date",
    "End date", "Amount (yuan)", "Status", "Outcome",
]  # fmt: skip


def _measure_columns():
    return [_(c) for c in MEASURE_COLUMNS]


@login_required
@permission_required("assistance.view_measure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def measure_list(request):
    if request.method == "POST":
        return _post_search_redirect(request)
    measures = Measure.objects.for_user(request.user).select_related(
        "household__township", "household__settlement", "department", "plan__case"
    )
    filters = forms.MeasureFilterForm(request.GET)
    status, measure_type = filters.value("status"), filters.value("type")
    if status:
        measures = measures.filter(status=status)
    if measure_type:
        measures = measures.filter(measure_type=measure_type)
    term, measures = _search(request, measures, "household__code", "household__head_name", "description", "cadre")
    if _wants_export(request):
        # ?ledger=1 is the follow-up assistance ledger (后续帮扶工作台账) the policy demands: the same rows.
        ledger = request.GET.get("ledger") == "1"
        return xlsx_response(
            request=request,
            filename="follow-up-assistance-ledger" if ledger else "assistance-measures",
            title=_("Follow-up assistance ledger") if ledger else _("Assistance measures"),
            subtitle=_subtitle(request),
            columns=_measure_columns(),
            rows=_measure_rows(measures.order_by("household__township__code", "household__code", "start_date", "pk")),
            object_type="assistance.measure",
        )
    page = paginate(request, measures.order_by("status", "-start_date", "pk"))
    from .models import MeasureType

    return render(
        request,
        "assistance/measure_list.html",
        {"page_obj": page, "measures": page.object_list, "term": term, "status": status, "type": measure_type,
         "statuses": Measure.Status.choices, "types": MeasureType.choices},
    )  # fmt: skip


@login_required
@permission_required("assistance.view_measure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def measure_detail(request, measure_pk):
    measure = get_for_user_or_404(
        Measure.objects.select_related("household__township", "department", "plan__case", "updated_by"),
        request.user,
        pk=measure_pk,
    )
    may_report = request.user.has_perm("assistance.report_measure") and (
        request.user.is_superuser or measure.department_id == request.user.department_id
    )
    form = None
    if may_report:
        form = forms.MeasureReportForm(
            request.POST or None,
            initial={"status": measure.status, "outcome": measure.outcome, "amount": measure.amount},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.measure_report(measure=measure, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("The measure's progress has been recorded."))
                return redirect("assistance:measure_detail", measure_pk=measure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    may_open_plan = AssistancePlan.objects.for_user(request.user).filter(pk=measure.plan_id).exists()
    return render(
        request,
        "assistance/measure_detail.html",
        {"measure": measure, "form": form, "household": measure.household, "may_open_plan": may_open_plan},
    )


@login_required
@permission_required("assistance.view_assistanceplan", raise_exception=True)
@require_GET
def cases_without_measures(request):
    from monitoring.models import MonitoringCase

    from .models import AssistanceSettings

    days = AssistanceSettings.current().measure_deadline_days
    cases = selectors.cases_without_measures(MonitoringCase.objects.for_user(request.user), days=days)
    cases = cases.select_related("household__township").order_by("identified_at", "pk")
    if _wants_export(request):
        rows = (
            (c.household.code, c.household.head_name, c.household.township.name, c.get_object_type_display(),
             "、".join(c.risk_type_labels()), _d(c.identified_at), (timezone.localdate() - c.identified_at).days)
            for c in cases.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename="cases-without-measures",
            title=_("Monitoring cases without any measure"),
            subtitle=_subtitle(request),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Monitoring object type"),
                _("Risk types"),
                _("Identified on"),
                _("Days waiting"),
            ],
            rows=rows,
            object_type="monitoring.monitoringcase",
        )
    page = paginate(request, cases)
    return render(
        request,
        "assistance/cases_without_measures.html",
        {"page_obj": page, "cases": page.object_list, "days": days, "today": timezone.localdate()},
    )


# ---------------------------------------------------------------------------------------------
# Employment
# ---------------------------------------------------------------------------------------------


@login_required
@permission_required("assistance.view_employmentrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def zero_employment(request):
    if request.method == "POST":
        return _post_search_redirect(request)
    households = selectors.zero_employment_households(Household.objects.for_user(request.user))
    township = int_param(request, "township")
    if township is not None:
        households = households.filter(township_id=township)
    # The dashboards' site pages and site rows link here narrowed to one site of the user's scope.
    place = None
    settlement = int_param(request, "settlement")
    if settlement is not None:
        place = Settlement.objects.for_user(request.user).filter(pk=settlement).first()
        households = households.filter(settlement_id=settlement) if place else households.none()
    term, households = _search(request, households, "code", "head_name")
    households = households.select_related("township", "settlement").annotate(member_count=F("figures__people"))
    if _wants_export(request):
        rows = (
            (h.code, h.head_name, h.township.name, h.settlement.name if h.settlement else "", h.member_count,
             mask_phone(h.phone) if not request.user.can_see_personal_data() else h.phone)
            for h in households.order_by("township__code", "code").iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename="zero-employment-households",
            title=_("Zero-employment households"),
            subtitle=_subtitle(request),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Members"),
                _("Contact phone"),
            ],
            rows=rows,
            object_type="relocation.household",
            detail="zero-employment",
        )
    page = paginate(request, households.order_by("township__code", "code"))
    townships = Township.objects.filter(pk__in=Household.objects.for_user(request.user).values("township_id"))
    return render(
        request,
        "assistance/zero_employment.html",
        {"page_obj": page, "households": page.object_list, "term": term, "townships": townships,
         "township": township, "place": place, "settlement": settlement},
    )  # fmt: skip


@login_required
@permission_required("assistance.add_employmentrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def employment_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = forms.EmploymentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_record_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The employment has been recorded."))
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "title": _("Record employment"), "household": household}
    )


@login_required
@permission_required("assistance.change_employmentrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def employment_end(request, record_pk):
    record = get_for_user_or_404(
        EmploymentRecord.objects.select_related("member", "household"), request.user, pk=record_pk
    )
    form = forms.EmploymentEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_record_end(record=record, end_date=form.cleaned_data["end_date"], actor=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The end of this employment has been recorded."))
            return redirect("relocation:household_detail", household_pk=record.household_id)
    title = _("%(name)s leaves %(employer)s") % {"name": record.member.name, "employer": record.employer}
    return render(request, "assistance/form.html", {"form": form, "title": title, "household": record.household})


@login_required
@permission_required("assistance.add_trainingrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def training_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = forms.TrainingForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        try:
            services.training_record_add(member=member, actor=request.user, **data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "title": _("Record a skills training"), "household": household}
    )


def _post_places(user):
    settlements = Settlement.objects.for_user(user)
    townships = Township.objects.all() if scope_of(user).everything else Township.objects.filter(
        Q(pk__in=user.townships.values("pk")) | Q(pk__in=settlements.values("township_id"))
    )  # fmt: skip
    return townships, settlements


@login_required
@permission_required("assistance.view_welfarepost", raise_exception=True)
@require_http_methods(["GET", "POST"])
def post_list(request):
    if request.method == "POST":
        return _post_search_redirect(request)
    posts = WelfarePost.objects.for_user(request.user).select_related("township", "settlement", "holder__household")
    kind = request.GET.get("kind", "")
    if kind in WelfarePost.Kind.values:
        posts = posts.filter(kind=kind)
    vacancy = request.GET.get("vacant", "")
    if vacancy == "1":
        posts = posts.filter(holder__isnull=True, is_active=True)
    term, posts = _search(request, posts, "name", "holder__name", "holder__household__code")
    if _wants_export(request):
        rows = (
            (p.name, p.get_kind_display(), p.township.name, p.settlement.name if p.settlement else "", p.monthly_pay,
             p.holder.name if p.holder else _("Vacant"), p.holder.household.code if p.holder else "",
             _d(p.holder_since), p.is_active)
            for p in posts.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename="public-welfare-posts",
            title=_("Public-welfare posts"),
            subtitle=_subtitle(request),
            columns=[
                _("Post"),
                _("Kind of post"),
                _("Township"),
                _("Settlement site"),
                _("Monthly pay (yuan)"),
                _("Holder"),
                _("Household code"),
                _("Held since"),
                _("Post in use"),
            ],
            rows=rows,
            object_type="assistance.welfarepost",
        )
    page = paginate(request, posts)
    return render(
        request,
        "assistance/post_list.html",
        {"page_obj": page, "posts": page.object_list, "term": term, "kind": kind, "kinds": WelfarePost.Kind.choices,
         "vacant": vacancy},
    )  # fmt: skip


def _post_form(request, post=None):
    townships, settlements = _post_places(request.user)
    form = forms.WelfarePostForm(
        request.POST or None, instance=post, user=request.user, townships=townships, settlements=settlements
    )
    if request.method == "POST" and form.is_valid():
        holder, since = form.cleaned_data["holder"], form.cleaned_data.get("since") or timezone.localdate()
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                if saved.pk is None:
                    saved.save()
                services.welfare_post_assign(post=saved, member=holder, since=since, actor=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The post has been saved."))
            return redirect("assistance:post_list")
    title = _("Edit public-welfare post") if post else _("New public-welfare post")
    return render(request, "assistance/form.html", {"form": form, "title": title})


@login_required
@permission_required("assistance.add_welfarepost", raise_exception=True)
@require_http_methods(["GET", "POST"])
def post_create(request):
    return _post_form(request)


@login_required
@permission_required("assistance.change_welfarepost", raise_exception=True)
@require_http_methods(["GET", "POST"])
def post_edit(request, post_pk):
    return _post_form(request, get_for_user_or_404(WelfarePost, request.user, pk=post_pk))


# ---------------------------------------------------------------------------------------------
# Policy tasks and progress reports
# ---------------------------------------------------------------------------------------------


def _progress_rows(rows):
    for r in rows:
        report, previous = r["report"], r["previous_report"]
        yield (
            r["task"].code, r["task"].title, r["unit_name"], _("Lead") if r["assignment"].is_lead else "",
            _d(r["period"]), report.get_status_display() if report else _("Not reported"),
            _d(r["previous_period"]), previous.get_status_display() if previous else _("Not reported"),
            _("Late") if r["late"] else "",
        )  # fmt: skip


def _unit_filter(request) -> tuple[int | None, int | None, str]:
    """The district's one responsible-unit (责任单位) filter: ?unit=department-<pk> or ?unit=township-<pk>.

    ?department=<pk> and ?township=<pk> are read too, for links. Returns (department id, township id, unit).
    """
    kind, _sep, raw = request.GET.get("unit", "").partition("-")
    pk = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
    department_id = pk if kind == "department" else int_param(request, "department")
    township_id = pk if kind == "township" else int_param(request, "township")
    if department_id is not None:
        return department_id, None, f"department-{department_id}"
    if township_id is not None:
        return None, township_id, f"township-{township_id}"
    return None, None, ""


@login_required
@permission_required("assistance.view_policytask", raise_exception=True)
@require_GET
def task_list(request):
    scope = scope_of(request.user)
    # The district sees every unit; a department or a township its own rows; other staff the tasks only.
    show_reports = scope.everything or bool(scope.department_id or scope.township_ids)
    department_id, township_id, unit = _unit_filter(request) if scope.everything else (None, None, "")
    rows = []
    if show_reports:
        rows = selectors.task_progress(
            assignments=TaskAssignment.objects.for_user(request.user), department_id=department_id,
            township_id=township_id,
        )  # fmt: skip
    only_late = request.GET.get("late") == "1"
    if only_late:
        rows = [r for r in rows if r["late"]]
    if _wants_export(request) and show_reports:
        return xlsx_response(
            request=request,
            filename="policy-task-progress",
            title=_("Policy task progress"),
            subtitle=_subtitle(request),
            columns=[
                _("Code"),
                _("Policy task"),
                _("Responsible unit"),
                _("Lead department"),
                _("Period"),
                _("Report"),
                _("Previous period"),
                _("Previous report"),
                _("Late"),
            ],
            rows=_progress_rows(rows),
            object_type="assistance.progressreport",
        )
    tasks = PolicyTask.objects.filter(is_active=True).prefetch_related(
        Prefetch("assignments", TaskAssignment.objects.filter(department__isnull=False).select_related("department"))
    )
    units = []
    if scope.everything:
        units = [
            (_("Departments"), [(f"department-{d.pk}", d.short_name) for d in
                                Department.objects.filter(task_assignments__isnull=False).distinct()]),
            (_("Townships"), [(f"township-{t.pk}", t.name) for t in
                              Township.objects.filter(task_assignments__isnull=False).distinct()]),
        ]  # fmt: skip
    # Every department and township of every task: about 700 rows for the district, 50 a page.
    page = paginate(request, rows, per_page=50)
    return render(
        request,
        "assistance/task_list.html",
        {"rows": page.object_list, "page_obj": page, "tasks": tasks, "show_reports": show_reports,
         "district": scope.everything, "units": units, "unit": unit, "only_late": only_late,
         "late_count": sum(1 for r in rows if r["late"])},
    )  # fmt: skip


@login_required
@permission_required("assistance.view_policytask", raise_exception=True)
@require_GET
def task_detail(request, task_pk):
    task = get_object_or_404(PolicyTask, pk=task_pk)
    departments = task.assignments.filter(department__isnull=False).select_related("department")
    reports = (
        ProgressReport.objects.for_user(request.user)
        .filter(assignment__task=task)
        .select_related("assignment__department", "assignment__township", "submitted_by")
    )
    own = TaskAssignment.objects.filed_by(request.user).filter(task=task).first()
    context = {"task": task, "departments": departments, "reports": reports, "own_assignment": own,
               "township_count": task.assignments.filter(township__isnull=False).count()}  # fmt: skip
    if _may_change_townships(request.user):
        context.update(selectors.task_townships(task))
    return render(request, "assistance/task_detail.html", context)


def _posted_id(request, name: str) -> int:
    raw = request.POST.get(name, "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else 0


def _may_change_townships(user) -> bool:
    """The district (district-wide heads and administrators) decides which townships answer for a task."""
    return user.has_perm("assistance.change_taskassignment") and scope_of(user).everything


@login_required
@permission_required("assistance.change_taskassignment", raise_exception=True)
@require_POST
def task_townships(request, task_pk):
    """Add a township to a task (?add=<township>) or relieve one of it (?remove=<assignment>), with history."""
    if not _may_change_townships(request.user):
        raise PermissionDenied
    task = get_object_or_404(PolicyTask, pk=task_pk)
    try:
        if request.POST.get("add"):
            township = get_object_or_404(Township, pk=_posted_id(request, "add"))
            services.task_township_add(task=task, township=township, actor=request.user)
            messages.success(request, _("%(township)s now reports on this task.") % {"township": township.name})
        elif request.POST.get("remove"):
            assignment = get_object_or_404(
                task.assignments.select_related("township"),
                pk=_posted_id(request, "remove"),
                township__isnull=False,
            )
            services.task_township_remove(assignment=assignment, actor=request.user)
            messages.success(
                request, _("%(township)s no longer reports on this task.") % {"township": assignment.township.name}
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assistance:task_detail", task_pk=task.pk)


def _periods(task: PolicyTask):
    today = timezone.localdate()
    current = task.period_of(today)
    previous = task.previous_period(today)
    return [(p.isoformat(), f"{p:%Y-%m-%d} — {task.period_end(p):%Y-%m-%d}") for p in (previous, current)]


@login_required
@permission_required("assistance.add_progressreport", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_create(request, task_pk):
    task = get_object_or_404(PolicyTask, pk=task_pk, is_active=True)
    # The units the user files for on this task: usually one (their department or township), else a choice.
    own = {a.pk: a for a in TaskAssignment.objects.filed_by(request.user).filter(task=task).select_related(
        "department", "township")}  # fmt: skip
    if not own:
        raise Http404
    wanted = int_param(request, "assignment")
    if wanted is not None and wanted not in own:
        raise Http404
    assignment = own[wanted] if wanted is not None else next(iter(own.values()))
    initial = {"assignment": assignment.pk}
    returned = assignment.reports.filter(status=ProgressReport.Status.RETURNED).order_by("-period").first()
    if returned:
        initial |= {
            "period": returned.period.isoformat(),
            "text": returned.text,
            "figures": "\n".join(f"{k}: {v}" for k, v in returned.figures.items()),
        }
    if request.GET.get("from_ledger"):
        choices = [p for p, _label in _periods(task)]
        period = request.GET.get("period") if request.GET.get("period") in choices else choices[-1]
        start = datetime.date.fromisoformat(period)
        initial |= {"period": period, "figures": _ledger_figures(task, start, task.period_end(start), request.user)}
    units = [(a.pk, a.unit_name) for a in own.values()] if len(own) > 1 else None
    form = forms.ProgressReportForm(request.POST or None, periods=_periods(task), units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        assignment = own.get(form.cleaned_data.get("assignment"), assignment)
        try:
            files = forms.check_attachments(request.FILES.getlist("attachments"))
            report = services.report_submit(
                assignment=assignment,
                period=datetime.date.fromisoformat(form.cleaned_data["period"]),
                text=form.cleaned_data["text"],
                figures=form.cleaned_data["figures"],
                files=files,
                actor=request.user,
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The progress report has been filed."))
            return redirect("assistance:report_detail", report_pk=report.pk)
    return render(
        request,
        "assistance/report_form.html",
        {
            "form": form,
            "task": task,
            "assignment": assignment,
            "returned": returned,
            "several_units": bool(units),
            "ledger_periods": _periods(task),
        },
    )


def _ledger_figures(task: PolicyTask, start: datetime.date, end: datetime.date, user) -> str:
    """The period's figures counted from the ledgers that record the task's work, as "name: value" lines.

    Apps above this one contribute them without being imported here: ``<app>/figures.py`` defines
    ``report_figure_lines(code, start, end, user)``.
    """
    from importlib import import_module

    from django.apps import apps

    lines = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.figures")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.figures":
                raise
            continue
        hook = getattr(module, "report_figure_lines", None)
        if hook is not None:
            lines.append(hook(task.code, start, end, user))
    return "\n".join(line for line in lines if line)


@login_required
@permission_required("assistance.view_progressreport", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_detail(request, report_pk):
    report = get_for_user_or_404(
        ProgressReport.objects.select_related(
            "assignment__task", "assignment__department", "assignment__township", "submitted_by"
        ),
        request.user,
        pk=report_pk,
    )
    may_review = request.user.has_perm("assistance.review_progressreport") and scope_of(request.user).everything
    form = forms.ReviewForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == "return":
                    services.report_return(report=report, comment=form.cleaned_data["comment"], actor=request.user)
                    messages.success(
                        request, _("The report has been sent back to %(unit)s.") % {"unit": report.assignment.unit}
                    )
                else:
                    services.report_accept(report=report, comment=form.cleaned_data["comment"], actor=request.user)
                    messages.success(request, _("The report has been accepted."))
            except ValidationError as exc:
                _fail(form, exc)
            else:
                return redirect("assistance:report_detail", report_pk=report.pk)
    may_refile = report.status == ProgressReport.Status.RETURNED and request.user.has_perm(
        "assistance.add_progressreport"
    )
    return render(
        request,
        "assistance/report_detail.html",
        {"report": report, "form": form, "attachments": report.attachments.all(),
         "may_refile": may_refile and TaskAssignment.objects.filed_by(request.user).filter(
             pk=report.assignment_id).exists()},
    )  # fmt: skip


@login_required
@permission_required("assistance.view_progressreport", raise_exception=True)
@require_GET
def attachment_download(request, attachment_pk):
    attachment = get_object_or_404(
        ReportAttachment, pk=attachment_pk, report__in=ProgressReport.objects.for_user(request.user).values("pk")
    )
    return private_file_response(attachment.file, as_attachment=True, filename=attachment.name)


def _department_or_404(request, department_pk):
    scope = scope_of(request.user)
    if not (scope.everything or scope.department_id == department_pk):
        raise Http404
    return get_object_or_404(Department, pk=department_pk)


@login_required
@require_GET
def my_department(request):
    if not request.user.department_id:
        messages.info(request, _("Your account belongs to no department."))
        return redirect("assistance:task_list")
    return redirect("assistance:department_detail", department_pk=request.user.department_id)


@login_required
@permission_required("assistance.view_policytask", raise_exception=True)
@require_GET
def department_detail(request, department_pk):
    """A department's page: its policy tasks with their reports, and the measures assigned to it."""
    department = _department_or_404(request, department_pk)
    rows = selectors.task_progress(department_id=department.pk)
    measures = Measure.objects.for_user(request.user).filter(department=department)
    labels = dict(Measure.Status.choices)
    counts = [(labels.get(s, s), n) for s, n in measures.order_by().values_list("status").annotate(n=Count("pk"))]
    open_measures = measures.filter(selectors.open_measures_q()).select_related("household__township", "plan__case")
    page = paginate(request, open_measures.order_by("start_date", "pk"))
    return render(
        request,
        "assistance/department_detail.html",
        {"department": department, "rows": rows, "page_obj": page, "measures": page.object_list, "counts": counts,
         "late_count": sum(1 for r in rows if r["late"])},
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Housing extension
# ---------------------------------------------------------------------------------------------


@login_required
@permission_required("assistance.view_housingextension", raise_exception=True)
@require_http_methods(["GET", "POST"])
def extension_list(request):
    if request.method == "POST":
        return _post_search_redirect(request)
    applications = HousingExtension.objects.for_user(request.user).select_related("household__township")
    status = request.GET.get("status", "")
    if status in HousingExtension.Status.values:
        applications = applications.filter(status=status)
    term, applications = _search(request, applications, "household__code", "household__head_name")
    if _wants_export(request):
        rows = (
            (a.household.code, a.household.head_name, a.household.township.name, _d(a.applied_on),
             a.get_funding_source_display(), a.planned_area, a.estimated_cost, a.get_status_display(),
             a.village_opinion, a.township_opinion, a.refusal_reason)
            for a in applications.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename="housing-extensions",
            title=_("Housing extension applications"),
            subtitle=_subtitle(request),
            columns=[
                _("Household code"),
                _("Head of household"),
                _("Township"),
                _("Application date"),
                _("Funding source"),
                _("Planned extra area (m²)"),
                _("Estimated cost (yuan)"),
                _("Status"),
                _("Village-group opinion"),
                _("Township opinion"),
                _("Reason for refusal"),
            ],
            rows=rows,
            object_type="assistance.housingextension",
        )
    page = paginate(request, applications)
    return render(
        request,
        "assistance/extension_list.html",
        {"page_obj": page, "applications": page.object_list, "term": term, "status": status,
         "statuses": HousingExtension.Status.choices},
    )  # fmt: skip


@login_required
@permission_required("assistance.add_housingextension", raise_exception=True)
@require_http_methods(["GET", "POST"])
def extension_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = forms.HousingExtensionForm(request.POST or None, request.FILES or None)
    if household.placement != Household.Placement.HOMESTEAD:
        messages.error(
            request,
            _("An apartment household cannot apply to extend its house; it may buy or rent to meet new needs."),
        )
        return redirect("relocation:household_detail", household_pk=household.pk)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.housing_extension_apply(household=household, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The application has been recorded; it awaits the village group's review."))
            return redirect("assistance:extension_detail", extension_pk=application.pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "title": _("Housing extension application"), "household": household, "multipart": True},
    )


@login_required
@permission_required("assistance.view_housingextension", raise_exception=True)
@require_GET
def extension_income_proof(request, extension_pk):
    """The income-proof scan of a housing extension, only to those who may see the household (issue 20, item 11)."""
    application = get_for_user_or_404(
        HousingExtension.objects.select_related("household"), request.user, pk=extension_pk
    )
    stored = application.income_proof_file.name or ""
    ext = stored.rsplit(".", 1)[-1] if "." in stored.rsplit("/", 1)[-1] else "bin"
    shown = f"收入证明-{application.household.code}.{ext}"
    return private_file_response(application.income_proof_file, as_attachment=True, filename=shown)


@login_required
@permission_required("assistance.view_housingextension", raise_exception=True)
@require_GET
def extension_detail(request, extension_pk):
    application = get_for_user_or_404(
        HousingExtension.objects.select_related("household__township", "applied_by", "village_reviewed_by",
                                                "township_decided_by"),
        request.user,
        pk=extension_pk,
    )  # fmt: skip
    problems = []
    if application.status in (HousingExtension.Status.APPLIED, HousingExtension.Status.VILLAGE_APPROVED):
        problems = services._problems_of(application)
    return render(
        request,
        "assistance/extension_detail.html",
        {"application": application, "household": application.household, "problems": problems,
         "form": forms.DecisionForm()},
    )  # fmt: skip


@login_required
@require_POST
def extension_village_review(request, extension_pk):
    if not request.user.has_perm("assistance.review_housingextension"):
        raise PermissionDenied
    application = get_for_user_or_404(HousingExtension, request.user, pk=extension_pk)
    return _record_decision(request, application, "village")


@login_required
@require_POST
def extension_township_decide(request, extension_pk):
    if not request.user.has_perm("assistance.approve_housingextension"):
        raise PermissionDenied
    application = get_for_user_or_404(HousingExtension, request.user, pk=extension_pk)
    return _record_decision(request, application, "township")


def _record_decision(request, application, step):
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree or refuse."))
        return redirect("assistance:extension_detail", extension_pk=application.pk)
    agree, opinion = form.cleaned_data["agree"], form.cleaned_data["opinion"]
    try:
        if step == "village":
            services.housing_extension_village_review(
                application=application, agree=agree, opinion=opinion, actor=request.user
            )
        else:
            services.housing_extension_township_decide(
                application=application, approve=agree, opinion=opinion, actor=request.user
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The decision has been recorded."))
    return redirect("assistance:extension_detail", extension_pk=application.pk)
