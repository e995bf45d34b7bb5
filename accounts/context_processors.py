from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": "广丰区易地扶贫搬迁后续扶持管理平台",
        "can_see_personal_data": bool(user and user.is_authenticated and user.can_see_personal_data()),
        "DEBUG": settings.DEBUG,
    }
