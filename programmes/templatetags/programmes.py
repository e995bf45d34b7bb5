from django import template

from ..models import LibraryProject, Loan

register = template.Library()


@register.inclusion_tag("programmes/_case_loans.html", takes_context=True)
def case_loans(context, case):
    """A monitoring case's household loans not yet repaid: they continue after risk elimination."""
    user = context["request"].user
    if not user.has_perm("programmes.view_loan"):
        return {"loans": []}
    loans = (
        Loan.objects.for_user(user)
        .filter(household_id=case.household_id, status__in=Loan.OPEN_STATUSES)
        .select_related("member")
        .order_by("due_date")
    )
    return {"loans": list(loans)}


@register.inclusion_tag("programmes/_asset_projects.html", takes_context=True)
def asset_projects(context, asset):
    """The library projects whose completion produced this asset (项目资产 ← 项目库)."""
    user = context["request"].user
    if not user.has_perm("programmes.view_libraryproject"):
        return {"projects": []}
    return {"projects": list(LibraryProject.objects.for_user(user).filter(asset=asset))}
