"""Made-up 帮扶责任人 for the demo district; safe to run again (it only names cadres where none is)."""

from accounts.models import User
from relocation.models import Household

from . import services
from .models import HouseholdCadre
from .rules import CADRE_ROLES

PER_USER = 15  # households each demo township or site user answers for, so 我的户 is not empty
NAMED_SHARE = 2  # of the other households, one in this many gets a cadre without an account


def seed_demo_data(stdout) -> None:
    paired = 0
    users = User.objects.filter(is_active=True, role__in=CADRE_ROLES, district_wide=False).order_by("username")
    for user in users:
        have = HouseholdCadre.objects.filter(user=user).count()
        if have >= PER_USER:
            continue
        free = Household.objects.for_user(user).filter(cadre__isnull=True).order_by("code")[: PER_USER - have]
        for household in free.select_related("township"):
            services.cadre_assign(household=household, actor=None, user=user)
            paired += 1
    named = 0
    rest = Household.objects.filter(cadre__isnull=True).select_related("township").order_by("code")
    for household in rest.iterator(chunk_size=500):
        if household.pk % NAMED_SHARE:
            continue  # left without a cadre: the township's list of households to pair shows them
        services.cadre_assign(
            household=household,
            actor=None,
            name=f"示例村干部{household.pk % 40 + 1:02d}",
            phone=f"1390793{household.pk % 10000:04d}",
            unit=f"{household.township.name}（示例）村委会",
        )
        named += 1
    stdout.write(f"cadres: {paired} households paired with demo users, {named} with cadres without an account\n")
