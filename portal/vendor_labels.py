"""Chinese names for what the libraries show in the admin: apps, models, fields, permissions.

The admin is used by the district's administrators, in Chinese like the rest of the portal. Some
libraries ship no Chinese catalog (django-axes, django-otp) or name their models and fields with
plain strings gettext never sees (django-otp); Django's own catalog lacks a few of 5.2's strings.
``apply()`` (portal.apps.PortalConfig.ready) gives every installed app a translatable verbose
name, relabels the authenticator model's fields, and shows the permissions "Can add household"
that Django stores in English as 可添加 搬迁户. The msgids are the English source strings, so
migrations see no change; the Chinese is in the root catalog (locale/).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

# Every installed app's name in the admin's menu, where neither the app nor its library names it
# in Chinese. The portal's own apps name themselves (their apps.py).
APP_NAMES = {
    "admin": _("Administration log"),
    "auth": _("Role groups and permissions"),
    "contenttypes": _("Content types"),
    "sessions": _("Sessions"),
    "messages": _("Messages"),
    "staticfiles": _("Static files"),
    "humanize": _("Number and date formats"),
    "whitenoise.runserver_nostatic": _("Static files (development server)"),
    "django_filters": _("List filters"),
    "django_htmx": _("Page updates"),
    "simple_history": pgettext_lazy("app", "Change history"),
    "import_export": pgettext_lazy("app", "Spreadsheet files"),
    "django_celery_beat": _("Scheduled jobs"),
    "axes": _("Login lockout"),
    "django_otp": _("Second factor"),
    "otp_totp": _("Authenticator apps"),
    "rest_framework": _("Data interface"),
    "drf_spectacular": _("Interface description"),
    "drf_spectacular_sidecar": _("Interface description pages"),
}

# django-otp's authenticator model: plain English strings in the library.
TOTP_DEVICE = {
    "verbose_name": _("authenticator app"),
    "verbose_name_plural": _("authenticator apps"),
    "fields": {
        "user": (pgettext_lazy("authenticator", "user"), _("The user that this device belongs to.")),
        "name": (pgettext_lazy("authenticator", "device name"), _("The human-readable name of this device.")),
        "confirmed": (pgettext_lazy("authenticator", "confirmed"), _("Is this device ready for use?")),
        "key": (pgettext_lazy("authenticator", "secret key"), _("A hex-encoded secret key of up to 40 bytes.")),
        "step": (pgettext_lazy("authenticator", "time step"), _("The time step in seconds.")),
        "t0": (pgettext_lazy("authenticator", "start time"), _("The Unix time at which to begin counting steps.")),
        "digits": (pgettext_lazy("authenticator", "digits"), _("The number of digits to expect in a token.")),
        "tolerance": (
            pgettext_lazy("authenticator", "tolerance"),
            _("The number of time steps in the past or future to allow."),
        ),
        "drift": (
            pgettext_lazy("authenticator", "clock drift"),
            _("The number of time steps the prover is known to deviate from our clock."),
        ),
        "last_t": (
            pgettext_lazy("authenticator", "last time step used"),
            _("The t value of the latest verified token. The next token must be at a higher time step."),
        ),
        "throttling_failure_timestamp": (
            pgettext_lazy("authenticator", "last failed attempt"),
            _("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
        ),
        "throttling_failure_count": (
            pgettext_lazy("authenticator", "failed attempts in a row"),
            _("Number of successive failed attempts."),
        ),
        "created_at": (
            pgettext_lazy("authenticator", "created at"),
            _("The date and time when this device was initially created in the system."),
        ),
        "last_used_at": (
            pgettext_lazy("authenticator", "last used at"),
            _("The most recent date and time this device was used."),
        ),
    },
}

# Strings the libraries translate with gettext but ship no Chinese for (django-axes), or that
# Django's and django-celery-beat's Chinese catalogs lack; marked here so that they are in the
# root catalog, which comes before every app's.
LIBRARY_STRINGS = [
    # django-axes
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Expiration Time"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # Django 5.2's admin, not yet in its Chinese catalog
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Model name"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django-celery-beat
    gettext_noop("Execution Options"),
    gettext_noop("Arguments"),
    gettext_noop("Schedule"),
    gettext_noop("Periodic Tasks Using This Schedule"),
]

HISTORY_NAME = pgettext_lazy("history model", "{} change history")

_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(model)s"),
    "change": pgettext_lazy("permission", "Can change %(model)s"),
    "delete": pgettext_lazy("permission", "Can delete %(model)s"),
    "view": pgettext_lazy("permission", "Can view %(model)s"),
}


def permission_label(permission) -> str:
    """What the admin shows for a permission: "搬迁户管理 | 搬迁户 | 可添加 搬迁户".

    Django stores the default permissions' names in English ("Can add household"); they are
    shown with the model's translated name. The portal's own permissions are stored as their
    English msgid and translated from the app's catalog.
    """
    from django.utils.translation import gettext

    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in _ACTIONS and model_name == model._meta.model_name:
        name = str(_ACTIONS[action]) % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"


def apply() -> None:
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.core.exceptions import FieldDoesNotExist

    for config in apps.get_app_configs():
        if config.name in APP_NAMES:
            config.verbose_name = APP_NAMES[config.name]
        elif config.label in APP_NAMES:
            config.verbose_name = APP_NAMES[config.label]

    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        meta = TOTPDevice._meta
        meta.verbose_name = TOTP_DEVICE["verbose_name"]
        meta.verbose_name_plural = TOTP_DEVICE["verbose_name_plural"]
        for field_name, (label, help_text) in TOTP_DEVICE["fields"].items():
            try:
                field = meta.get_field(field_name)
            except FieldDoesNotExist:  # a field a later django-otp drops
                continue
            field.verbose_name = label
            field.help_text = help_text

    # django-simple-history names its models "historical 搬迁户" with a string gettext never sees.
    for model in apps.get_models():
        base = getattr(model, "instance_type", None)
        if base is not None and hasattr(model, "history_date"):
            model._meta.verbose_name = format_lazy(HISTORY_NAME, base._meta.verbose_name)
            model._meta.verbose_name_plural = format_lazy(HISTORY_NAME, base._meta.verbose_name_plural)
        elif base is not None and hasattr(model, "m2m_history_id"):  # a many-to-many field's history
            owner = base._meta.auto_created
            fields = [f for f in owner._meta.many_to_many if f.remote_field.through is base] if owner else []
            if fields:
                name = format_lazy("{}（{}）", owner._meta.verbose_name, fields[0].verbose_name)
                model._meta.verbose_name = model._meta.verbose_name_plural = format_lazy(HISTORY_NAME, name)

    Permission.__str__ = permission_label
