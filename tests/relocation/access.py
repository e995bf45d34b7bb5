from tests.place_writes import PlaceWrite, form_data

FOREIGN_KWARGS = {
    "household_pk": lambda cast: cast.alice_household.pk,
    "member_pk": lambda cast: cast.alice_member.pk,
    "field": lambda cast: "phone",  # the masked input's "显示" (relocation:member_reveal, household_reveal)
}
LIST_URLS = {"relocation:household_list", "relocation:household_create"}


def _household_data(cast, **overrides):
    from relocation.forms import HouseholdForm

    form = HouseholdForm(instance=cast.alice_household, user=cast.admin)
    return form_data(form, village=None, **overrides)


def _household(code):
    from relocation.models import Household

    return Household.objects.filter(code=code).first()


PLACE_WRITES = [
    PlaceWrite(
        "site staff create a household in another township, with no site",
        "relocation:household_create",
        "carol",
        data=lambda cast: _household_data(cast, code="LEAVE01", township=cast.hengshan.pk, settlement=None),
        left=lambda cast: _household("LEAVE01") is not None,
        inside=lambda cast: _household_data(cast, code="INSIDE01"),
    ),
    PlaceWrite(
        "site staff create a household in their township with no site",
        "relocation:household_create",
        "carol",
        data=lambda cast: _household_data(cast, code="LEAVE02", settlement=None),
        left=lambda cast: _household("LEAVE02") is not None,
    ),
    PlaceWrite(
        "township staff create a household in another township's site",
        "relocation:household_create",
        "alice",
        data=lambda cast: _household_data(
            cast, code="LEAVE03", township=cast.hengshan.pk, settlement=cast.hengshan_site.pk
        ),
        left=lambda cast: _household("LEAVE03") is not None,
        inside=lambda cast: _household_data(cast, code="INSIDE03", settlement=None),
    ),
    PlaceWrite(
        "site staff clear their household's site",
        "relocation:household_edit",
        "carol",
        kwargs=lambda cast: {"household_pk": cast.alice_household.pk},
        data=lambda cast: _household_data(cast, settlement=None),
        left=lambda cast: _household(cast.alice_household.code).settlement_id is None,
    ),
    PlaceWrite(
        "township staff move their household to another township",
        "relocation:household_edit",
        "alice",
        kwargs=lambda cast: {"household_pk": cast.alice_household.pk},
        data=lambda cast: _household_data(cast, township=cast.hengshan.pk, settlement=cast.hengshan_site.pk),
        left=lambda cast: _household(cast.alice_household.code).township_id != cast.yangkou.pk,
    ),
]
