"""Sections of the household and settlement pages: loans, workshop and work-for-relief jobs, benefit linkage;
each site's workshops with the relocated people they employ. A fixed number of queries each."""

from django.utils.translation import gettext_lazy as _

from portal.panels import Panel

from .ledgers import LEDGERS
from .models import BenefitLink, Loan, ReliefWorker, WorkshopWorker


def household_panels(request, household):
    user = request.user
    if not user.has_perm("programmes.view_loan"):
        return []
    context = {
        "loans": list(
            Loan.objects.for_user(user)
            .filter(household=household, status__in=Loan.OPEN_STATUSES)
            .select_related("member")
            .order_by("due_date")
        ),
        "workers": list(
            WorkshopWorker.objects.for_user(user)
            .filter(household=household)
            .select_related("member", "workshop")
            .order_by("-start_date")[:10]
        ),
        "relief": list(
            ReliefWorker.objects.for_user(user).filter(household=household).select_related("member", "project")[:10]
        ),
        "benefits": list(BenefitLink.objects.for_user(user).filter(household=household)[:10]),
        "may_add_loan": user.has_perm("programmes.add_loan"),
    }
    return [Panel(title=_("Loans, workshops and benefit linkage"), template="programmes/_household_panel.html",
                  context=context, order=45)]  # fmt: skip


def settlement_panels(request, settlement):
    ledger = LEDGERS["workshops"]
    if not request.user.has_perm(ledger.perm("view")):
        return []
    workshops = list(ledger.queryset_for(request.user).filter(settlement=settlement).order_by("-current_workers"))
    return [Panel(title=_("Assistance workshops and employers"), template="programmes/_settlement_panel.html",
                  context={"workshops": workshops}, order=60)]  # fmt: skip
