from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessLog, log_access
from accounts.scope import get_for_user_or_404
from portal import search
from portal.pagination import paginate
from portal.panels import collect

from . import services
from .filters import HouseholdFilter, search_households
from .forms import HouseholdForm, MemberForm
from .history import changes_of
from .models import Household, Member


def scoped_household_list(request):
    """The household list as the request's filters and search term narrow it (also used by exports)."""
    base = Household.objects.for_user(request.user)
    filterset = HouseholdFilter(request.GET, queryset=base, user=request.user)
    households = filterset.qs
    term = search.term_of(request)
    households = search_households(households, term)
    return filterset, term, households


@login_required
@permission_required("relocation.view_household", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_list(request):
    if request.method == "POST":
        return redirect(f"{request.path}?{search.redirect_query(request)}")
    filterset, term, households = scoped_household_list(request)
    # Members are counted by a subquery, run for the 25 rows shown only: a Count() annotation would
    # make PostgreSQL join and group every household of the scope before the LIMIT (seconds at a
    # million), and the paginator's count leaves the subquery out.
    members = Member.objects.filter(household=OuterRef("pk")).order_by().values("household").annotate(n=Count("pk"))
    households = households.select_related("township", "settlement").annotate(
        member_count=Coalesce(Subquery(members.values("n")), 0)
    )
    page = paginate(request, households.order_by("code"))
    return render(
        request,
        "relocation/household_list.html",
        {"filter": filterset, "term": term, "page_obj": page, "households": page.object_list},
    )


@login_required
@permission_required("relocation.view_household", raise_exception=True)
@require_GET
def household_detail(request, household_pk):
    household = get_for_user_or_404(
        Household.objects.select_related("township", "settlement", "village"), request.user, pk=household_pk
    )
    members = household.members.all()
    # Administrators can see who opened a household's record (the page shows its members).
    log_access(request.user, AccessLog.Action.VIEW, household)
    return render(
        request,
        "relocation/household_detail.html",
        {
            "household": household,
            "members": members,
            "panels": collect("household", request, household),
            "employment_goal": employment_goal(members),
        },
    )


def employment_goal(members) -> dict:
    """Whether the household meets "at least one member employed" where someone can work."""
    members = list(members)
    can_work = [m for m in members if m.can_work]
    employed = [m for m in members if m.is_employed]
    return {
        "can_work": len(can_work),
        "employed": len(employed),
        "zero_employment": bool(can_work) and not employed,
    }


def _saved(form, actor) -> bool:
    """Save a household form through the service; a refusal lands on the form's fields."""
    try:
        services.household_save(household=form.instance, actor=actor)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@login_required
@permission_required("relocation.add_household", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _saved(form, request.user):
        household = form.instance
        messages.success(request, _("Household %(code)s has been created.") % {"code": household.code})
        return redirect("relocation:household_detail", household_pk=household.pk)
    return render(request, "relocation/household_form.html", {"form": form})


@login_required
@permission_required("relocation.change_household", raise_exception=True)
@require_http_methods(["GET", "POST"])
def household_edit(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid() and _saved(form, request.user):
        messages.success(request, _("The changes have been saved."))
        return redirect("relocation:household_detail", household_pk=household.pk)
    if household.phone:
        # The form shows the phone masked (full behind the logged "显示"); opening it is logged too.
        log_access(request.user, AccessLog.Action.UNMASK, household, detail="phone (edit form)")
    return render(request, "relocation/household_form.html", {"form": form, "household": household})


@login_required
@permission_required("relocation.add_member", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_create(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    form = MemberForm(request.POST or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The member has been added."))
        return redirect("relocation:household_detail", household_pk=household.pk)
    return render(request, "relocation/member_form.html", {"form": form, "household": household})


@login_required
@permission_required("relocation.change_member", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_edit(request, household_pk, member_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    member = get_for_user_or_404(Member, request.user, pk=member_pk, household=household)
    form = MemberForm(request.POST or None, instance=member, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes have been saved."))
        return redirect("relocation:household_detail", household_pk=household.pk)
    # The form shows the ID number and phone masked (full behind the logged "显示"); opening it is logged too.
    log_access(request.user, AccessLog.Action.UNMASK, member, detail="id_number,phone (edit form)")
    return render(request, "relocation/member_form.html", {"form": form, "household": household, "member": member})


@login_required
@require_GET
def member_identity(request, household_pk, member_pk):
    """The full ID number and phone of one member, for a user allowed to see them; each look is logged."""
    member = get_for_user_or_404(Member, request.user, pk=member_pk, household_id=household_pk)
    if not request.user.can_see_personal_data():
        return HttpResponseForbidden(_("You may not see full ID numbers."))
    log_access(request.user, AccessLog.Action.UNMASK, member, detail="id_number,phone")
    return render(request, "relocation/_member_identity.html", {"member": member})


REVEALABLE = {"id_number", "phone"}


def _revealed(request, form, obj, name):
    """The edit form's input for ``name`` holding the full number (the "显示" on a masked input); logged."""
    if name not in REVEALABLE or name not in form.fields:
        raise Http404
    if not request.user.can_see_personal_data():
        return HttpResponseForbidden(_("You may not see full ID numbers."))
    log_access(request.user, AccessLog.Action.UNMASK, obj, detail=f"{name} (edit form)")
    field = form.fields[name]
    field.widget = forms.TextInput(attrs=dict(field.widget.attrs))
    return HttpResponse(str(form[name]))


@login_required
@permission_required("relocation.change_member", raise_exception=True)
@require_GET
def member_reveal(request, household_pk, member_pk, field):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    member = get_for_user_or_404(Member, request.user, pk=member_pk, household=household)
    return _revealed(request, MemberForm(instance=member, household=household, user=request.user), member, field)


@login_required
@permission_required("relocation.change_household", raise_exception=True)
@require_GET
def household_reveal(request, household_pk, field):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    return _revealed(request, HouseholdForm(instance=household, user=request.user), household, field)


@login_required
@permission_required("relocation.view_household", raise_exception=True)
@require_GET
def household_history(request, household_pk):
    household = get_for_user_or_404(Household, request.user, pk=household_pk)
    full = request.user.can_see_personal_data()
    if full:
        # The history shows changed ID numbers and phones in full to this role: logged like "显示".
        log_access(request.user, AccessLog.Action.UNMASK, household, detail="history")
    return render(
        request,
        "relocation/household_history.html",
        {"household": household, "changes": changes_of(household, mask=not full)},
    )
