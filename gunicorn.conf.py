"""gunicorn's settings for the site. gunicorn reads this file from the directory it starts in, so
`.venv/bin/gunicorn clinic.wsgi` from the checkout uses it; options on the command line win.

Workers: synchronous, two by default (WEB_CONCURRENCY). Every request here is short and
CPU-bound (Django, a Redis round trip, one small database write), so one process per core
serves the most requests; slow clients are the load balancer's job, which buffers them.

Logs: everything on stderr, one JSON object per line in the same shape as Django's (see
clinic/logging.py). The access log keeps the method, the path *without its query string*,
the status and the duration, and nothing else: the query string of /faq/?q= holds what a
patient searched for ("pregnant", "accutane"), which can reveal their health as surely as the
screener's answers; the client's address and user agent are personal data that the load
balancer's own logs already hold for abuse handling; the referrer can carry another page's
query string.
"""

import os

from gunicorn import glogging

from clinic.logging import redact_tokens

wsgi_app = "clinic.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Two instances on one machine (as in `make loadtest`) would otherwise fight over the one
# default control socket in the home directory; nothing here uses gunicornc.
control_socket_disable = True
# "-" is stdout for the access log: both go to stderr, like Django's (stdout stays clean).
accesslog = "/dev/stderr"
# gunicorn's own 400/414/431 pages carry no security headers: the proxy, whose buffers are
# smaller (README, "Deployment"), refuses an oversized request before it gets here.
limit_request_line = 8190
limit_request_field_size = 8190
errorlog = "-"


class JsonLogger(glogging.Logger):
    """gunicorn's own logs (access and errors) as JSON lines on stderr, like Django's."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from clinic.logging import JsonFormatter

        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        status_code = int(status.split(None, 1)[0]) if isinstance(status, str) else status
        method = environ.get("REQUEST_METHOD", "")
        # Never QUERY_STRING (see the module docstring), never a patient's link token.
        path = redact_tokens(environ.get("PATH_INFO", ""))
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        self.access_log.info(
            "%s %s %s %.1f ms",
            method,
            path,
            status_code,
            duration_ms,
            extra={"method": method, "path": path, "status_code": status_code},
        )


logger_class = JsonLogger
