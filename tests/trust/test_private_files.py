"""Uploaded files are served only through views that check the reader's scope, under random names
(issue 20, item 11). /media/ is served by nobody, not even in development."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from monitoring.models import Visit, VisitPhoto

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0 a photo at the door"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def photo(cast):
    visit = Visit.objects.create(
        household=cast.alice_household, visited_on=datetime.date(2025, 10, 8), findings="回访",
        next_visit_on=datetime.date(2026, 1, 8),
    )  # fmt: skip
    photo = VisitPhoto(visit=visit)
    photo.image.save("周一家门前.jpg", ContentFile(JPEG), save=True)
    return photo


def test_a_visit_photo_has_a_random_name(photo):
    stored = photo.image.name.rsplit("/", 1)[-1]
    assert "周一家" not in stored and str(photo.visit_id) not in stored.split(".")[0][:3]
    assert stored.endswith(".jpg") and len(stored) > 20


def test_the_household_staff_get_the_photo_and_others_not(cast, client_of, photo):
    url = reverse("monitoring:visit_photo", kwargs={"visit_photo_pk": photo.pk})
    response = client_of(cast.alice).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert client_of(cast.bob).get(url).status_code == 404


def test_media_is_not_served(cast, client_of, photo, settings):
    settings.DEBUG = True
    assert client_of(cast.alice).get(f"/media/{photo.image.name}").status_code == 404


def test_behind_nginx_the_file_goes_by_x_accel_redirect(cast, client_of, photo, settings):
    settings.PROTECTED_MEDIA_URL = "/protected-media/"
    response = client_of(cast.alice).get(reverse("monitoring:visit_photo", kwargs={"visit_photo_pk": photo.pk}))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response.content == b""


def test_a_report_attachment_has_a_random_name(cast):
    from assistance.models import PolicyTask, ProgressReport, ReportAttachment, TaskAssignment

    assignment = TaskAssignment.objects.get_or_create(task=PolicyTask.objects.get(code="3.4"), township=cast.yangkou)[0]
    report = ProgressReport.objects.create(assignment=assignment, period=datetime.date(2025, 10, 1), text="进度")
    attachment = ReportAttachment(report=report, name="洋口镇进度.pdf")
    attachment.file.save("洋口镇进度.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert "洋口镇" not in attachment.file.name and attachment.file.name.endswith(".pdf")


@pytest.fixture
def income_proof(cast):
    from decimal import Decimal

    from assistance.models import HousingExtension

    application = HousingExtension.objects.create(
        household=cast.alice_household, funding_source="savings", planned_area=Decimal(30), savings_commitment=True
    )
    application.income_proof_file.save("周一工资单.pdf", ContentFile(b"%PDF-1.4 wage slips"), save=True)
    return application


def test_a_housing_income_proof_scan_has_a_random_name(income_proof):
    stored = income_proof.income_proof_file.name
    assert "周一" not in stored and "工资单" not in stored and stored.endswith(".pdf")
    assert len(stored.rsplit("/", 1)[-1]) > 20


def test_the_income_proof_scan_is_served_to_its_township_only(cast, client_of, income_proof):
    url = reverse("assistance:extension_income_proof", kwargs={"extension_pk": income_proof.pk})
    detail = reverse("assistance:extension_detail", kwargs={"extension_pk": income_proof.pk})
    assert url in client_of(cast.alice).get(detail).content.decode()  # linked where the scan is shown
    response = client_of(cast.alice).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 wage slips"
    assert "attachment" in response["Content-Disposition"]
    assert client_of(cast.bob).get(url).status_code == 404


def test_an_uploaded_workbook_gets_a_random_stored_name_and_keeps_its_own_for_display(cast, client_of, tmp_path):
    from exchange import services
    from tests.exchange.workbooks import HOUSEHOLD_HEADER, build, household_row, upload

    path = build(tmp_path / "洋口镇花名册.xlsx", {"户": [HOUSEHOLD_HEADER, household_row("GF-RND-1")]})
    record = services.import_upload(kind="households", uploaded_file=upload(path), user=cast.alice)
    assert record.file_name == "洋口镇花名册.xlsx"
    stored = record.file.name
    assert "洋口镇" not in stored and "花名册" not in stored and stored.endswith(".xlsx")
    assert record.file_sha256[:12] not in stored  # not guessable from the content either
    assert len(stored.rsplit("/", 1)[-1]) > 20
    assert record.file.storage.exists(stored)
    detail = client_of(cast.alice).get(reverse("exchange:import_detail", kwargs={"record_pk": record.pk}))
    assert "洋口镇花名册.xlsx" in detail.content.decode()  # shown under the name it was uploaded with
