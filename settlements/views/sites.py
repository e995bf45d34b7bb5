from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.scope import get_for_user_or_404
from portal.pagination import paginate
from portal.panels import collect
from relocation.models import Household, Member

from ..models import Settlement


@login_required
@permission_required("settlements.view_settlement", raise_exception=True)
@require_GET
def settlement_list(request):
    visible = Household.objects.for_user(request.user)
    settlements = (
        Settlement.objects.for_user(request.user)
        .select_related("township")
        .annotate(
            household_count=Count("households", filter=Q(households__in=visible.values("pk")), distinct=True),
            monitored_count=Count(
                "households",
                filter=Q(households__in=visible.values("pk"), households__status=Household.Status.MONITORED),
                distinct=True,
            ),
        )
        .order_by("township__code", "code")
    )
    page = paginate(request, settlements)
    return render(request, "settlements/settlement_list.html", {"page_obj": page, "settlements": page.object_list})


@login_required
@permission_required("settlements.view_settlement", raise_exception=True)
@require_GET
def settlement_detail(request, settlement_pk):
    settlement = get_for_user_or_404(
        Settlement.objects.select_related("township", "village"), request.user, pk=settlement_pk
    )
    households = Household.objects.for_user(request.user).filter(settlement=settlement)
    figures = households.aggregate(
        households=Count("pk"),
        monitored=Count("pk", filter=Q(status=Household.Status.MONITORED)),
        lifted=Count("pk", filter=Q(household_type=Household.Type.LIFTED)),
    )
    figures["people"] = Member.objects.filter(household__in=households.values("pk")).count()
    return render(
        request,
        "settlements/settlement_detail.html",
        {"settlement": settlement, "figures": figures, "panels": collect("settlement", request, settlement)},
    )
