"""Masking of resident ID numbers and mobile numbers in every log line and error report."""

import logging
import re

ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
OLD_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{4})[0-9]{8}([0-9]{3})(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    """The text with every 18- or 15-digit ID number and every mobile number masked."""
    text = ID_NUMBER.sub(r"\1**********\2", text)
    text = OLD_ID_NUMBER.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class MaskPersonalDataFilter(logging.Filter):
    """Mask the message of each record, so that every handler (mail included) gets it masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class MaskingFormatter(logging.Formatter):
    """Mask the whole formatted line, tracebacks included (a filter only sees the message)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))
