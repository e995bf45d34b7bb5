from django.conf import settings

PORTAL_NAME = "广丰区易地扶贫搬迁后续扶持管理平台"


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": PORTAL_NAME,
        "can_see_personal_data": bool(user and user.is_authenticated and user.can_see_personal_data()),
        "DEBUG": settings.DEBUG,
    }


def navigation(request):
    """Menu entries gathered from each app's ``nav.py`` (NAV = list of NavItem), shown by permission."""
    from .nav import items_for

    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": []}
    return {"nav_items": items_for(request)}
