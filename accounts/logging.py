"""A log filter that masks resident ID numbers and mobile numbers in every log line."""

import logging
import re

ID_NUMBER = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = ID_NUMBER.sub(r"\1**********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
