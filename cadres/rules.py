"""Who may be a household's responsible cadre: the one place this rule is written (the form, the
service and the Excel import all ask it)."""

from django.db.models import Q

from accounts.models import User

# Staff who are paired with households: township cadres, site community workers and township heads.
CADRE_ROLES = [User.Role.TOWNSHIP_STAFF, User.Role.SETTLEMENT_STAFF, User.Role.HEAD]


def covering_q(township_id: int, settlement_id: int | None) -> Q:
    """Users whose own scope holds a household of this township and site (not district-wide users:
    a cadre belongs to the township, as 结对帮扶 pairs township and village cadres with households)."""
    q = Q(townships=township_id)
    if settlement_id:
        q |= Q(settlements=settlement_id)
    return q


def candidates_for(household):
    """Active portal users who may answer for the household."""
    return (
        User.objects.filter(covering_q(household.township_id, household.settlement_id), is_active=True)
        .filter(role__in=CADRE_ROLES)
        .distinct()
        .order_by("full_name", "username")
    )


def may_answer_for(user, household) -> bool:
    """Whether ``user`` may be the household's responsible cadre (active, a cadre role, scope covers it)."""
    return candidates_for(household).filter(pk=user.pk).exists()
