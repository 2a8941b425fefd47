"""Alerts reach a person once per incident, in Vietnamese, through a real local SMTP server
and a real local HTTP endpoint."""

from __future__ import annotations

import email
import json
import threading
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from cchc.orchestration.alerts import incidents, notify
from cchc.orchestration.outcomes import CheckOutcome, RunReport
from cchc.orchestration.settings import AlertConfig
from tests.pg_server import _free_port


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}"
    controller.stop()


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received, f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


BLOCKED = RunReport(
    checks=[
        CheckOutcome(
            "staging/stg_dossiers:quarantine_ratio",
            passed=False,
            blocking=True,
            sample="['dossiers/2026-02-15: 2 of 2 rows quarantined']",
        ),
        CheckOutcome("audit/landing_scan:freshness_payments", passed=False, blocking=False),
        CheckOutcome("marts/dim_agency:ids", passed=True, blocking=True),
    ]
)


def test_one_message_per_incident_by_email_and_webhook(tmp_path, smtp, webhook):
    inbox, smtp_url = smtp
    posts, hook_url = webhook
    config = AlertConfig(
        smtp_url=smtp_url,
        email_to="cntt@hungyen.gov.vn",
        webhook_url=hook_url,
        ui_url="http://cchc:3000",
    )
    found = incidents(BLOCKED, run_failed=True)
    assert len(notify(tmp_path, found, "run-1", config)) == 2
    assert len(inbox.messages) == 1 and len(posts) == 1
    message = inbox.messages[0]
    body = message.get_content()
    assert message["Subject"].startswith("[CCHC Hưng Yên] Chặn công bố: kiểm tra staging/")
    assert "dossiers/2026-02-15: 2 of 2 rows quarantined" in body
    assert "Nguồn payments không gửi dữ liệu" in body
    assert "cchc accept" in body and "http://cchc:3000/runs/run-1" in body
    assert posts[0]["run_id"] == "run-1" and "Chặn công bố" in posts[0]["text"]

    # the next night, the same incidents: nothing new is sent
    assert notify(tmp_path, found, "run-2", config) == []
    assert len(inbox.messages) == 1 and len(posts) == 1
    # the gate passes one night (the silence goes on), then blocks again: a new message
    notify(tmp_path, incidents(RunReport(checks=BLOCKED.checks[1:]), False), "run-3", config)
    assert len(inbox.messages) == 1
    assert len(notify(tmp_path, found, "run-4", config)) == 1
    assert len(inbox.messages) == 2 and "run-4" in inbox.messages[1].get_content()


def test_nothing_is_sent_when_no_channel_is_configured(tmp_path, smtp):
    inbox, _ = smtp
    assert notify(tmp_path, incidents(BLOCKED, True), "run-1", AlertConfig())
    assert inbox.messages == []
