"""Reads for the assistance app that other apps rely on."""

from django.db.models import QuerySet


def household_ids_for_department(department_id: int) -> QuerySet:
    """Ids of the households that have an assistance measure assigned to the department.

    Bureau staff see households only through the measures their department is answerable for.
    Until assistance measures exist this is empty, which keeps bureau staff out of household data.
    """
    from relocation.models import Household

    return Household.objects.none().values("pk")
