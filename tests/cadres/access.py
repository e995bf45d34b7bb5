"""帮扶责任人 URLs in the access matrix: the household pages are covered by ``household_pk`` (relocation)."""


def _markers(cast):
    from cadres.models import HouseholdCadre
    from tests.factories import HouseholdFactory

    # A stale pairing (Bob once answered for a Yangkou household): 我的户 still hides it from him.
    HouseholdCadre.objects.update_or_create(
        household=cast.alice_household,
        defaults={"user": cast.bob, "name": "洋口帮扶人标记", "phone": "13900001111", "unit": "洋口镇政府"},
    )
    HouseholdFactory(head_name="洋口无责任人标记", township=cast.yangkou, settlement=cast.yangkou_site)
    return ["洋口帮扶人标记", "洋口无责任人标记"]


LIST_URLS = {"cadres:my_households", "cadres:without_cadre"}
MARKERS = _markers
