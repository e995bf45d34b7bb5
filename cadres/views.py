from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import get_for_user_or_404
from exchange.export import export_filename, xlsx_response
from portal import search
from portal.pagination import paginate
from relocation import idnumbers
from relocation.models import Household

from . import selectors, services
from .forms import CadreForm
from .models import HouseholdCadre


def _search(request, households):
    term = search.term_of(request)
    if term:
        households = households.filter(Q(code__icontains=term) | Q(head_name__icontains=term))
    return term, households


CODE = Household._meta.get_field("code").verbose_name


def _d(value):
    return value.strftime("%Y-%m-%d") if value else ""


@login_required
@permission_required("cadres.view_householdcadre", raise_exception=True)
@require_http_methods(["GET", "POST"])
def my_households(request):
    """我的户: the households the user answers for, with what needs doing at each."""
    if request.method == "POST":
        return redirect(f"{request.path}?{search.redirect_query(request)}")
    today = timezone.localdate()
    term, households = _search(request, selectors.my_households(request.user, today=today))
    households = households.select_related("township", "settlement", "village")
    if request.GET.get("export") == "xlsx":
        rows = (
            (h.code, h.head_name, h.township.name, h.settlement.name if h.settlement else "",
             h.village.name if h.village else "", h.get_status_display(), _d(h.visit_due_on), _d(h.last_visit_on),
             h.open_alerts, h.open_cases)
            for h in households.iterator(chunk_size=500)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename=export_filename("我的户"),
            title=_("My households"),
            subtitle=f"{request.user.display_name} · {today:%Y-%m-%d}",
            columns=[
                CODE,
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Village or community"),
                _("Monitoring status"),
                _("Visit due"),
                _("Last visit"),
                _("Open alerts"),
                _("Open cases"),
            ],
            rows=rows,
            object_type="cadres.householdcadre",
        )
    page = paginate(request, households)
    return render(
        request,
        "cadres/my_households.html",
        {
            "page_obj": page,
            "households": page.object_list,
            "summary": selectors.my_summary(request.user, today=today),
            "today": today,
            "term": term,
            "overdue_list": _overdue_list_url(),
        },
    )


def _overdue_list_url() -> str:
    """The overdue-visit work list (回访逾期) where the portal has one; the visits-due list otherwise."""
    from django.urls import NoReverseMatch, reverse

    for name in ("monitoring:visits_overdue", "monitoring:visits_due"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@login_required
@permission_required("cadres.add_householdcadre", raise_exception=True)
@require_http_methods(["GET", "POST"])
def without_cadre(request):
    """Households of the user's scope without a responsible cadre, for the township to assign one."""
    if request.method == "POST":
        return redirect(f"{request.path}?{search.redirect_query(request)}")
    term, households = _search(request, selectors.without_cadre(request.user))
    households = households.select_related("township", "settlement", "village").order_by("township__code", "code")
    if request.GET.get("export") == "xlsx":
        rows = (
            (h.code, h.head_name, h.township.name, h.settlement.name if h.settlement else "",
             h.village.name if h.village else "", h.get_status_display())
            for h in households.iterator(chunk_size=1000)
        )  # fmt: skip
        return xlsx_response(
            request=request,
            filename=export_filename("无帮扶责任人的户"),
            title=_("Households without a responsible cadre"),
            subtitle=f"{request.user.display_name} · {timezone.localdate():%Y-%m-%d}",
            columns=[
                CODE,
                _("Head of household"),
                _("Township"),
                _("Settlement site"),
                _("Village or community"),
                _("Monitoring status"),
            ],
            rows=rows,
            object_type="relocation.household",
        )
    page = paginate(request, households)
    return render(
        request,
        "cadres/without_cadre.html",
        {"page_obj": page, "households": page.object_list, "term": term},
    )


@login_required
@permission_required("cadres.view_householdcadre", raise_exception=True)
@require_http_methods(["GET", "POST"])
def assign(request, household_pk):
    """The household's 帮扶责任人: who it is, who it was (history), and the form to change it."""
    household = get_for_user_or_404(Household.objects.select_related("township"), request.user, pk=household_pk)
    cadre = selectors.cadre_of(household)
    may_assign = request.user.has_perm("cadres.change_householdcadre")
    # Heads assign but see phones masked: the field stays empty and an empty phone keeps the old one.
    show_phone = request.user.can_see_personal_data()
    initial = {}
    if cadre is not None:
        initial = {"user": cadre.user_id, "name": cadre.name, "unit": cadre.unit}
        initial["phone"] = cadre.phone if show_phone else ""
    form = CadreForm(request.POST or None, household=household, initial=initial)
    if cadre is not None and cadre.phone and not show_phone:
        form.fields["phone"].help_text = _("Leave empty to keep the phone on record (%(phone)s).") % {
            "phone": idnumbers.mask_phone(cadre.phone)
        }
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            user = data["user"]
            same_person = cadre is not None and cadre.user_id == (user.pk if user else None)
            if not data["phone"] and not show_phone and same_person and (user or data["name"] == cadre.name):
                data["phone"] = cadre.phone
            try:
                services.cadre_assign(household=household, actor=request.user, **data)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The responsible cadre has been saved."))
                return redirect("relocation:household_detail", household_pk=household.pk)
    history = (
        HouseholdCadre.history.filter(household_id=household.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "cadres/assign.html",
        {
            "household": household,
            "cadre": cadre,
            "form": form,
            "may_assign": may_assign,
            "history": history,
        },
    )


@login_required
@permission_required("cadres.delete_householdcadre", raise_exception=True)
@require_POST
def unassign(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    if services.cadre_unassign(household=household, actor=request.user):
        messages.info(request, _("The household has no responsible cadre now."))
    return redirect("relocation:household_detail", household_pk=household.pk)
