from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import set_language

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboards:home", permanent=False), name="home"),
    path("accounts/", include("accounts.urls")),
    path("settlements/", include("settlements.urls")),
    path("households/", include("relocation.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("assistance/", include("assistance.urls")),
    path("programmes/", include("programmes.urls")),
    path("cadres/", include("cadres.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("exchange/", include("exchange.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("api.urls")),
    # The portal's own switch: Django's, plus the choice kept on the user (accounts.views.set_language).
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# Uploaded files are not served under /media/, not even in development: each kind has a view that
# checks the reader's scope (portal/files.py; monitoring:visit_photo, settlements:hazard_photo...).

# Chinese error pages in the portal's layout (portal/views.py; 404 and 403 use templates/404.html, 403.html).
handler500 = "portal.views.server_error"
