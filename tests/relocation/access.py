FOREIGN_KWARGS = {
    "household_pk": lambda cast: cast.alice_household.pk,
    "member_pk": lambda cast: cast.alice_member.pk,
}
LIST_URLS = {"relocation:household_list", "relocation:household_create"}
