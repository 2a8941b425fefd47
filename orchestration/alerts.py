"""Alerts for a pipeline nobody watches: a failed run, a blocked gate, a failed warning
check or a silent source reaches a person by email (SMTP) and/or a webhook (JSON POST,
which Zalo OA, Telegram or Slack bridges accept), in Vietnamese.

One message per incident, not one per night while it lasts: open incidents are kept in
`$CCHC_DATA_DIR/alerts.json`; an incident is announced when it first appears, forgotten
when a run no longer sees it (so a recurrence is announced again).
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlparse

from cchc.orchestration.defs.raw.scan import FRESHNESS_PREFIX
from cchc.orchestration.outcomes import RunReport
from cchc.orchestration.settings import AlertConfig

STATE_FILE = "alerts.json"


@dataclass(frozen=True)
class Incident:
    key: str  # stable across nights: what is wrong, not when
    title: str
    detail: str
    action: str


def incidents(report: RunReport, run_failed: bool) -> list[Incident]:
    """The incidents a run's report shows (see module doc)."""
    out = []
    for check in report.blocked:
        out.append(
            Incident(
                f"blocked:{check.name}",
                f"Chặn công bố: kiểm tra {check.name} không đạt",
                check.sample or "(không có mẫu)",
                "Số liệu công bố vẫn là bản trước. Sửa hoặc gửi lại dữ liệu nguồn, hoặc chấp "
                "nhận có ghi lý do: cchc accept <mục> --by <tên> --reason <lý do>.",
            )
        )
    for check in report.warned:
        silent = f":{FRESHNESS_PREFIX}" in check.name
        source = check.name.rsplit(FRESHNESS_PREFIX, 1)[-1]
        out.append(
            Incident(
                f"warned:{check.name}",
                f"Nguồn {source} không gửi dữ liệu"
                if silent
                else f"Cảnh báo: kiểm tra {check.name} không đạt",
                check.sample or "(không có mẫu)",
                f"Liên hệ đơn vị quản lý hệ thống nguồn {source}."
                if silent
                else "Số liệu vẫn được công bố; cần xem lại các dòng mẫu.",
            )
        )
    if run_failed and report.step_failures:
        out.append(
            Incident(
                "run_failed",
                "Lần chạy đêm bị lỗi",
                "\n".join(report.step_failures),
                "Xem nhật ký lần chạy trong Dagster UI; chạy lại sau khi khắc phục: cchc run.",
            )
        )
    return out


def _message(new: list[Incident], run_id: str, config: AlertConfig) -> tuple[str, str]:
    subject = f"[CCHC Hưng Yên] {new[0].title}" + (f" (+{len(new) - 1})" if len(new) > 1 else "")
    parts = [f"• {i.title}\n  Chi tiết: {i.detail}\n  Cần làm: {i.action}" for i in new]
    link = f"{config.ui_url.rstrip('/')}/runs/{run_id}"
    return subject, "\n\n".join(parts) + f"\n\nLần chạy: {link}\n"


def _send_email(config: AlertConfig, subject: str, body: str) -> None:
    url = urlparse(config.smtp_url or "")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, config.email_from, config.email_to
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "localhost", url.port or 25, timeout=30) as smtp:
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def _send_webhook(config: AlertConfig, subject: str, body: str, run_id: str) -> None:
    payload = json.dumps({"text": f"{subject}\n\n{body}", "title": subject, "run_id": run_id})
    request = urllib.request.Request(
        config.webhook_url or "",
        data=payload.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


def notify(
    data_dir: Path, found: list[Incident], run_id: str, config: AlertConfig
) -> list[Incident]:
    """Announce the incidents not already open; return them. Closed ones are forgotten."""
    path = data_dir / STATE_FILE
    open_keys = set(json.loads(path.read_text())) if path.exists() else set()
    new = [i for i in found if i.key not in open_keys]
    if new and config.enabled:
        subject, body = _message(new, run_id, config)
        if config.smtp_url and config.email_to:
            _send_email(config, subject, body)
        if config.webhook_url:
            _send_webhook(config, subject, body, run_id)
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(i.key for i in found)))
    return new
