"""The portal's own error pages: Chinese, in the portal's layout, with DEBUG off as in production.

404 and 403 are Django's own views rendering templates/404.html and 403.html (they get the
request, so the menu shows). A CSRF failure and a server error are answered here: the CSRF page
says what to do (reload the page and send again); the 500 page is drawn without anything that
could fail again (no database, no menu).
"""

from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from accounts.context_processors import PORTAL_NAME


@requires_csrf_token
def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """A form sent from an outdated page (or another site): in Chinese, with a way back."""
    template = loader.get_template(template_name)
    return HttpResponseForbidden(template.render({"reason": reason}, request))


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """An unexpected error: no request context (a context processor may be what failed)."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"PORTAL_NAME": PORTAL_NAME}))
