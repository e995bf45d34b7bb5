"""Data builders for the dashboard tests: many households at once, without a query per row."""

from datetime import date

from dashboards import summary
from relocation.models import Household, Member


def bulk_households(n: int, *, township, settlement=None, start: int = 0, status=Household.Status.NORMAL, members=2):
    """``n`` households in bulk, each with ``members`` members of whom the first is employed."""
    households = Household.objects.bulk_create(
        [
            Household(
                code=f"GF-B-{township.pk}-{start + i:06d}",
                head_name=f"批量户主{start + i}",
                household_type=Household.Type.LIFTED,
                township=township,
                settlement=settlement,
                placement=Household.Placement.APARTMENT,
                relocation_year=2018,
                status=status,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    people = []
    for h in households:
        for j in range(members):
            people.append(
                Member(
                    household=h,
                    name=f"批量成员{h.pk}-{j}",
                    # Unique placeholders: bulk_create skips the model's ID-number checks on purpose.
                    id_number=f"9{h.pk:012d}{j:05d}",
                    birth_date=date(1980, 1, 1),
                    sex=Member.Sex.MALE,
                    relation=Member.Relation.HEAD if j == 0 else Member.Relation.SPOUSE,
                    labour_capacity=Member.Labour.ORDINARY,
                    willing_to_work=True,
                    employment=Member.Employment.LOCAL if j == 0 else Member.Employment.NOT_EMPLOYED,
                )
            )
    Member.objects.bulk_create(people, batch_size=2000)
    # bulk_create sends no signals: a bulk writer rewrites the dashboards' figures itself.
    summary.refresh_households(h.pk for h in households)
    return households


def list_count(client, url: str) -> int:
    """How many rows the paginated list at ``url`` holds, as its pager counts them."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert "page_obj" in response.context, f"{url} is not a paginated list"
    return response.context["page_obj"].paginator.count


def card(page_context, key: str) -> dict:
    return next(c for c in page_context["cards"] if c["key"] == key)


def chart(page_context, key: str) -> dict:
    return next(c for c in page_context["charts"] if c["key"] == key)
