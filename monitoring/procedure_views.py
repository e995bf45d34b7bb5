"""Pages of the monitoring procedure: a case's next step, the evidence, public notices and objections.

Each view fetches through the scope gate (outside it: 404), checks the role's permission (403), and
calls one service of ``monitoring/procedure.py``; a refusal comes back as the form's error.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import get_for_user_or_404
from exchange.export import export_filename, xlsx_response
from portal.pagination import paginate

from . import procedure
from .models import MonitoringCase, Objection, PublicNotice, StepEvidence, StepKind, Thresholds
from .notice import notice_pdf, notice_rows, notice_text
from .procedure_forms import (
    CrossCheckForm,
    DecisionForm,
    HouseholdCheckForm,
    NoticeForm,
    ObjectionForm,
    ProposalForm,
    ResolveForm,
    TakeDownForm,
    VillageReviewForm,
)
from .views import _errors_to_form

K = StepKind

FORMS = {
    K.PROPOSAL: ProposalForm,
    K.HOUSEHOLD_CHECK: HouseholdCheckForm,
    K.CROSS_CHECK: CrossCheckForm,
    K.VILLAGE_REVIEW: VillageReviewForm,
    K.TOWNSHIP_REVIEW: DecisionForm,
    K.DISTRICT_CONFIRMATION: DecisionForm,
}


def _call(kind, case, form, user):
    c = form.cleaned_data
    if kind == K.PROPOSAL:
        return procedure.elimination_propose(case=case, done_on=c["done_on"], note=c["note"], actor=user)
    if kind == K.HOUSEHOLD_CHECK:
        return procedure.step_household_check(
            case=case,
            done_on=c["done_on"],
            actors=list(c["actors"]),
            other_actors=c["other_actors"],
            findings=c["findings"],
            evidence=c["evidence"],
            actor=user,
        )
    if kind == K.CROSS_CHECK:
        return procedure.step_cross_check(
            case=case,
            done_on=c["done_on"],
            findings=form.findings(),
            not_needed_reason=c["not_needed_reason"],
            actor=user,
        )
    if kind == K.VILLAGE_REVIEW:
        return procedure.step_village_review(
            case=case,
            done_on=c["done_on"],
            participants=c["participants"],
            passed=c["decision"] == "pass",
            minutes=c["minutes"],
            note=c["note"],
            actor=user,
        )
    return procedure.step_review(
        case=case, kind=kind, done_on=c["done_on"], passed=c["decision"] == "pass", note=c["note"], actor=user
    )


@login_required
@permission_required("monitoring.view_monitoringcase", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_step(request, case_pk, kind):
    """The form of a case's next step (the household check is made for a phone at the door)."""
    case = get_for_user_or_404(MonitoringCase.objects.select_related("household"), request.user, pk=case_pk)
    if kind not in FORMS:
        raise Http404
    if not request.user.has_perm(procedure.STEP_PERMISSION[kind]):
        raise PermissionDenied
    form_class = FORMS[kind]
    extra = {"case": case, "user": request.user} if form_class is HouseholdCheckForm else {}
    form = form_class(request.POST or None, request.FILES or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            step = _call(kind, case, form, request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(step)s recorded (%(result)s).")
                % {"step": step.get_kind_display(), "result": step.get_result_display()},
            )
            return redirect("monitoring:case_detail", case_pk=case.pk)
    waiting = case.next_step == kind or (kind == K.PROPOSAL and not case.procedure)
    conflict = procedure.separation_conflict(case, kind, [request.user.pk]) if case.procedure else None
    return render(
        request,
        "monitoring/case_step.html",
        {
            "case": case,
            "household": case.household,
            "form": form,
            "kind": kind,
            "kind_label": procedure.step_label(kind),
            "waiting": waiting,
            "conflict": conflict,
        },
    )


@login_required
@permission_required("monitoring.view_casestep", raise_exception=True)
@require_GET
def evidence_file(request, evidence_pk):
    """An upload of a step, for staff who may see the household (the authorisation is personal data)."""
    evidence = get_for_user_or_404(StepEvidence.objects.select_related("step"), request.user, pk=evidence_pk)
    from accounts.models import log_access

    log_access(request.user, "view", evidence, detail=f"case={evidence.step.case_id}")
    return FileResponse(evidence.file.open("rb"), filename=evidence.original_name or None)


# 两不愁三保障 assessments --------------------------------------------------------------------------


@login_required
@permission_required("monitoring.add_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def assessment_create(request, household_pk):
    """The assessment on its own page, pre-filled from the household's last one."""
    from relocation.models import Household

    from .assessments import AssessmentForm, assessment_record

    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = AssessmentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_record(
                household=household,
                assessed_on=form.cleaned_data["assessed_on"],
                members=form.member_rows(),
                actor=request.user,
                **form.household_values(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The assessment has been recorded."))
            return redirect("relocation:household_detail", household_pk=household.pk)
    return render(request, "monitoring/assessment_form.html", {"form": form, "household": household})


# Public notices ----------------------------------------------------------------------------------


def _waiting_for_notice(user):
    return (
        MonitoringCase.objects.for_user(user)
        .filter(next_step=K.NOTICE)
        .select_related("household", "household__village", "household__settlement", "household__township")
        .order_by("household__township__name", "household__code")
    )


@login_required
@permission_required("monitoring.view_publicnotice", raise_exception=True)
@require_GET
def notice_list(request):
    notices = PublicNotice.objects.for_user(request.user).select_related("township", "village", "settlement")
    state = request.GET.get("state", "")
    if state == "up":
        notices = notices.filter(taken_down_on__isnull=True)
    elif state == "down":
        notices = notices.filter(taken_down_on__isnull=False)
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                n.place_name,
                n.get_procedure_display(),
                n.starts_on,
                n.ends_on,
                n.taken_down_on,
                n.cases.count(),
                n.objections.count(),
            )
            for n in notices.iterator(chunk_size=500)
        )
        return xlsx_response(
            request=request,
            filename=export_filename("公示清单"),
            title=_("Public notices"),
            columns=[
                _("Village or site"),
                _("Procedure"),
                _("Notice from"),
                _("Notice until"),
                _("Taken down on"),
                _("Households"),
                _("Objections"),
            ],
            rows=rows,
            object_type="monitoring.publicnotice",
            subtitle=str(timezone.localdate()),
        )
    page = paginate(request, notices)
    waiting = list(_waiting_for_notice(request.user)[:200])
    for c in waiting:
        h = c.household
        c.place = (h.settlement or h.village or h.township).name
    return render(
        request,
        "monitoring/notice_list.html",
        {"page_obj": page, "notices": page.object_list, "state": state, "waiting": waiting},
    )


@login_required
@permission_required("monitoring.add_publicnotice", raise_exception=True)
@require_http_methods(["GET", "POST"])
def notice_create(request):
    cases = _waiting_for_notice(request.user)
    thresholds = Thresholds.for_date()
    form = NoticeForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            notice = procedure.notice_publish(
                cases=list(c["cases"]),
                starts_on=c["starts_on"],
                ends_on=c["ends_on"],
                office=c["office"],
                office_phone=c["office_phone"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The notice has been drawn up. Print it and put it up."))
            return redirect("monitoring:notice_detail", notice_pk=notice.pk)
    return render(
        request,
        "monitoring/notice_form.html",
        {"form": form, "thresholds": thresholds, "has_cases": cases.exists()},
    )


@login_required
@permission_required("monitoring.view_publicnotice", raise_exception=True)
@require_http_methods(["GET", "POST"])
def notice_detail(request, notice_pk):
    notice = get_for_user_or_404(
        PublicNotice.objects.select_related("township", "village", "settlement"), request.user, pk=notice_pk
    )
    take_down_form = TakeDownForm(prefix="down")
    objection_form = ObjectionForm(prefix="objection", notice=notice)
    if request.method == "POST":
        if not request.user.has_perm("monitoring.change_publicnotice"):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "take_down":
                take_down_form = TakeDownForm(request.POST, prefix="down")
                if take_down_form.is_valid():
                    procedure.notice_take_down(
                        notice=notice, taken_down_on=take_down_form.cleaned_data["taken_down_on"], actor=request.user
                    )
                    messages.success(request, _("The notice is recorded as taken down."))
                    return redirect("monitoring:notice_detail", notice_pk=notice.pk)
            elif action == "objection":
                objection_form = ObjectionForm(request.POST, prefix="objection", notice=notice)
                if objection_form.is_valid():
                    procedure.objection_record(notice=notice, actor=request.user, **objection_form.cleaned_data)
                    messages.success(request, _("The objection has been recorded."))
                    return redirect("monitoring:notice_detail", notice_pk=notice.pk)
        except ValidationError as exc:
            _errors_to_form(take_down_form if action == "take_down" else objection_form, exc)
    objections = notice.objections.select_related("case__household", "recorded_by", "resolved_by")
    return render(
        request,
        "monitoring/notice_detail.html",
        {
            "notice": notice,
            "rows": notice_rows(notice),
            "cases": notice.cases.select_related("household").order_by("household__code"),
            "objections": objections,
            "take_down_form": take_down_form,
            "objection_form": objection_form,
            "resolve_form": ResolveForm(prefix="resolve"),
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required("monitoring.change_publicnotice", raise_exception=True)
@require_POST
def objection_resolve(request, objection_pk):
    objection = get_for_user_or_404(Objection.objects.select_related("notice"), request.user, pk=objection_pk)
    form = ResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            procedure.objection_resolve(objection=objection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The objection is recorded as resolved."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("monitoring:notice_detail", notice_pk=objection.notice_id)


@login_required
@permission_required("monitoring.view_publicnotice", raise_exception=True)
@require_GET
def notice_print(request, notice_pk):
    notice = get_for_user_or_404(PublicNotice.objects.select_related("township"), request.user, pk=notice_pk)
    return render(
        request,
        "monitoring/notice_print.html",
        {"notice": notice, "text": notice_text(notice), "rows": notice_rows(notice)},
    )


@login_required
@permission_required("monitoring.view_publicnotice", raise_exception=True)
@require_GET
def notice_download(request, notice_pk):
    notice = get_for_user_or_404(PublicNotice.objects.select_related("township"), request.user, pk=notice_pk)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    name = export_filename(f"公示_{notice.place_name}_{notice.starts_on:%Y%m%d}").rsplit(".", 1)[0] + ".pdf"
    from urllib.parse import quote

    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
