"""An e-mail backend for worker processes in the integration tests: every message becomes one JSON
line in the file named by KOPPEL_TEST_MAILBOX, so the test process can count what was sent."""

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class FileLineBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with open(os.environ["KOPPEL_TEST_MAILBOX"], "a") as mailbox:
            for message in email_messages:
                mailbox.write(json.dumps({"to": message.to, "subject": message.subject}) + "\n")
        return len(email_messages)
