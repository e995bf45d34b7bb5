"""Error reports (the e-mail to ADMINS, the debug page) that carry no personal data.

A report would otherwise hold the posted form (ID numbers, phones, health), every local variable
of every frame (a Member, a parsed workbook row) and the exception's text (a unique-constraint
error names the duplicate ID number). Here POST values and local variables are withheld whole,
query-string values and the exception text are masked, and the finished report is masked again.
"""

import re

from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .logging import mask_text

WITHHELD = "********************"


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Withhold what an error report could leak: posted values and local variables."""

    hidden_settings = re.compile("API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL|DSN", re.I)

    def get_post_parameters(self, request):
        """Every posted value withheld: forms here are full of personal data."""
        if request is None:
            return {}
        return dict.fromkeys(request.POST, WITHHELD)

    def get_traceback_frame_variables(self, request, tb_frame):
        """Variable names kept, values withheld: a frame may hold a household or a workbook row."""
        return [(name, WITHHELD) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        """Request headers with personal data masked (a Referer may carry a query string)."""
        meta = super().get_safe_request_meta(request)
        return {k: mask_text(v) if isinstance(v, str) else v for k, v in meta.items()}


class MaskingExceptionReporter(ExceptionReporter):
    """The report text and page, masked once more as a whole."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if data.get("exception_value"):
            data["exception_value"] = mask_text(str(data["exception_value"]))
        return data

    def get_traceback_html(self):
        return mask_text(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return mask_text(str(super().get_traceback_text()))


class MaskingAdminEmailHandler(AdminEmailHandler):
    """The e-mail to ADMINS, subject and body masked."""

    def format_subject(self, subject):
        return super().format_subject(mask_text(subject))

    def format(self, record):
        return mask_text(super().format(record))
