"""Writes on households with rules: the place a household is written to stays inside the writer's scope."""

from django.db import transaction

from accounts.scope import require_record_place

from .models import Household


@transaction.atomic
def household_save(*, household: Household, actor=None) -> Household:
    """Validate and save a household; refuse a township or site outside the actor's scope (issue 20, item 6).

    Site staff who cleared the site, or anyone who chose another township, would write a household they can
    no longer open: the write is refused with a message on the field instead.
    """
    require_record_place(actor, household)
    household.full_clean()
    household.save()
    return household
