"""Which townships and settlements a user covers: the one place this rule is written.

Every queryset's ``for_user`` asks :func:`scope_of` and filters with :meth:`Scope.q`. A user with
no assignment gets an empty scope and sees nothing: the gate fails closed.
"""

from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    township_ids: frozenset[int] = field(default_factory=frozenset)
    settlement_ids: frozenset[int] = field(default_factory=frozenset)
    department_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.township_ids or self.settlement_ids)

    def q(self, township: str = "township", settlement: str | None = "settlement") -> Q | None:
        """A filter over the given lookups, or None when everything is visible.

        ``township`` and ``settlement`` are lookup paths from the model being filtered to its
        township id and settlement id (``settlement`` may be None for models with no site, and
        "pk" for the Settlement model itself).
        An empty scope gives a filter that matches nothing.
        """
        if self.everything:
            return None
        q = Q(pk__in=[])
        if self.township_ids:
            q |= Q(**{f"{township}_id__in": self.township_ids})
        if self.settlement_ids and settlement is not None:
            lookup = "pk__in" if settlement == "pk" else f"{settlement}_id__in"
            q |= Q(**{lookup: self.settlement_ids})
        return q


def scope_of(user) -> Scope:
    """The places a user covers, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.district_wide:
        scope = Scope(everything=True, department_id=user.department_id)
    else:
        scope = Scope(
            township_ids=frozenset(user.townships.values_list("pk", flat=True)),
            settlement_ids=frozenset(user.settlements.values_list("pk", flat=True)),
            department_id=user.department_id,
        )
    user._portal_scope = scope
    return scope


def filter_for_user(queryset, user, *, township: str = "township", settlement: str | None = "settlement"):
    """Narrow ``queryset`` to the rows within the user's scope."""
    q = scope_of(user).q(township=township, settlement=settlement)
    return queryset if q is None else queryset.filter(q)


def get_for_user_or_404(model_or_queryset, user, **lookup):
    """The one way views fetch a single scoped object: outside the scope is a 404, never a 403."""
    from django.shortcuts import get_object_or_404

    manager = getattr(model_or_queryset, "objects", model_or_queryset)
    return get_object_or_404(manager.for_user(user), **lookup)


def filter_for_department(queryset, user, *, department: str = "department"):
    """Rows of the user's own department; everything for district-wide users; nothing otherwise.

    ``department`` is the lookup path from the model to its department (e.g. "assignment__department").
    """
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.department_id:
        return queryset.filter(**{f"{department}_id": scope.department_id})
    return queryset.none()


def covers(user, *, township_id=None, settlement_id=None) -> bool:
    """Whether a row placed in this township (and site) lies inside the user's scope.

    The same rule as :meth:`Scope.q`: the township is one of the user's, or the site is one of theirs.
    A write must leave its row where the writer can still see it (issue 20, item 6).
    """
    scope = scope_of(user)
    if scope.everything:
        return True
    return (township_id is not None and township_id in scope.township_ids) or (
        settlement_id is not None and settlement_id in scope.settlement_ids
    )


def outside_scope_message():
    from django.utils.translation import gettext

    return gettext("This place is outside your area: what you record must stay within your own townships and sites.")


def require_place(user, *, township_id=None, settlement_id=None, field: str = "settlement") -> None:
    """Refuse (ValidationError on ``field``) a write that would put its row outside the writer's scope.

    Services call it with their ``actor``; a job or an import with no person behind it (None) is not checked
    here: an import checks each row's township itself.
    """
    from django.core.exceptions import ValidationError

    if user is None or not getattr(user, "is_authenticated", False):
        return
    if not covers(user, township_id=township_id, settlement_id=settlement_id):
        raise ValidationError({field: outside_scope_message()})


def require_record_place(user, record) -> None:
    """:func:`require_place` for a row with a ``township`` and/or ``settlement`` link (a ledger row, a post...)."""
    settlement_id = getattr(record, "settlement_id", None)
    township_id = getattr(record, "township_id", None)
    if township_id is None and settlement_id is not None:
        township_id = record.settlement.township_id
    if township_id is None and settlement_id is None:
        return
    field = "settlement" if hasattr(record, "settlement_id") else "township"
    require_place(user, township_id=township_id, settlement_id=settlement_id, field=field)
