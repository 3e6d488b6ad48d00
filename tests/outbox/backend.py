"""An e-mail backend for the outbox's overlap tests: it takes OUTBOX_SEND_SECONDS to deliver
each message, then appends its Message-ID to the file OUTBOX_DELIVERED names."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class SlowRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            time.sleep(float(os.environ.get("OUTBOX_SEND_SECONDS", "0.02")))
            with open(os.environ["OUTBOX_DELIVERED"], "a") as delivered:
                delivered.write(message.extra_headers["Message-ID"] + "\n")
        return len(email_messages)
