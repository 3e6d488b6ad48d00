"""Structured logging to stdout that never carries request data.

Health answers arrive only in POST bodies. Django attaches the request object to some records
(`django.request`, `django.security`); a formatter that printed it, or an exception message
that quoted a submitted value, could leak them. So records are reduced to a fixed set of safe
fields, and a traceback is kept as its frames (file, line, function) without the message.
"""

import json
import logging
import re
import traceback
from datetime import UTC, datetime

SAFE_EXTRA_FIELDS = ("status_code", "method", "path", "reference", "count", "event")

# The secret in a patient's link (/appointment/<token>/…, /messages/<token>/stop/) opens their
# appointment: logs keep the route and never the token.
TOKEN_IN_PATH = re.compile(r"(/(?:appointment|messages|diary/feed)/)[^/\s?#\"']+")


def redact_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1<token>", text)


class ScrubRequestFilter(logging.Filter):
    """Replace the request attached to a record by its method and path (no body, no query),
    and take patients' link tokens out of the path and of the message ("Not Found: /appointment/…").
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None:
            record.method = getattr(request, "method", "")
            record.path = getattr(request, "path", "")
            record.request = None
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = redact_tokens(path)
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in SAFE_EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value not in (None, ""):
                entry[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            entry["exception"] = exc_type.__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(entry, default=str)
