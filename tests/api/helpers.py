import datetime

from django.utils import timezone

from api.models import Scope, token_create


def make_token(*, department=None, township=None, scopes=None, expires_in_days=30, name="测试系统"):
    """A token and its key, as the administrator's admin page makes them."""
    return token_create(
        name=name,
        department=department,
        township=township,
        scopes=list(scopes or Scope.values),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        actor=None,
    )


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
