from django.utils.translation import gettext as _

from .cache import redis_down


def services(request):
    """A notice on every page while Redis (cache and task queue) cannot be reached."""
    if not redis_down():
        return {}
    return {
        "services_notice": _(
            "The background service is unavailable: pages are read directly from the database and may be "
            "slower; uploads of workbooks are paused. Please try again later."
        )
    }
