"""The authenticator apps' admin (django-otp's), with its sections named in Chinese."""

from django.contrib import admin
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

SECTIONS = {
    "Identity": pgettext_lazy("authenticator", "Device and user"),
    "Timestamps": pgettext_lazy("authenticator", "Times"),
    "Configuration": pgettext_lazy("authenticator", "Code settings"),
    "State": pgettext_lazy("authenticator", "Clock"),
    "Throttling": pgettext_lazy("authenticator", "Failed attempts"),
}


class PortalTOTPDeviceAdmin(TOTPDeviceAdmin):
    search_help_text = pgettext_lazy("authenticator", "Search by the user's login name")

    def get_fieldsets(self, request, obj=None):
        return [(SECTIONS.get(title, title), options) for title, options in super().get_fieldsets(request, obj)]


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, PortalTOTPDeviceAdmin)

# The admin's header and tab title: the portal's name for it, not "Django administration".
admin.site.site_header = pgettext_lazy("admin", "Guangfeng follow-up portal: system administration")
admin.site.site_title = pgettext_lazy("admin", "System administration")
admin.site.index_title = pgettext_lazy("admin", "System administration")
