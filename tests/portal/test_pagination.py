import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pager(pages: int, current: int) -> str:
    request = RequestFactory().get(f"/list/?status=normal&page={current}")
    page = Paginator(range(pages * 25), 25).get_page(current)
    return render_to_string("includes/pagination.html", {"page_obj": page, "request": request})


def test_a_list_of_forty_thousand_pages_shows_a_short_pager():
    html = pager(40_000, 200)
    numbers = [int(n) for n in re.findall(r">(\d+)</(?:a|span)>", html)]
    assert numbers == [1, 197, 198, 199, 200, 201, 202, 203, 40000]
    assert html.count("…") == 2
    assert 'aria-current="page"><span class="page-link">200<' in html
    assert "status=normal&amp;page=201" in html  # the other filters stay in every link
    assert "1,000,000" in html or "1000000" in html  # the total under the pager


def test_a_short_list_shows_every_page_without_gaps():
    html = pager(5, 1)
    assert [int(n) for n in re.findall(r">(\d+)</(?:a|span)>", html)] == [1, 2, 3, 4, 5]
    assert "…" not in html
