"""Structured logging to stdout that never carries request data.

Health answers arrive only in POST bodies. Django attaches the request object to some records
(`django.request`, `django.security`); a formatter that printed it, or an exception message
that quoted a submitted value, could leak them. So records are reduced to a fixed set of safe
fields, and a traceback is kept as its frames (file, line, function) without the message.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

SAFE_EXTRA_FIELDS = ("status_code", "method", "path", "reference", "count", "event")


class ScrubRequestFilter(logging.Filter):
    """Replace the request attached to a record by its method and path (no body, no query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None:
            record.method = getattr(request, "method", "")
            record.path = getattr(request, "path", "")
            record.request = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
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
