"""Shared pieces of the browser journeys (``test_journeys*.py``): Debian's Chromium
driven by Playwright against the live server, the officers of ``egov/conftest.py``
logging in through the login page, and what a person does on the workspace pages
(open a dossier, press an action's button, fill its form, read the status, the queue
counts and the printed forms). Screenshots go to ``var/test-artifacts/`` (kept by CI).
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from egov.dossiers.tests.factories import pdf_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "mat-khau-thu-nghiem"  # the factories' password
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts"
PDF = pdf_bytes()  # a real PDF: uploads are checked by their whole content


def review_workflow():
    """The demo catalogue's district workflow: desk, specialist, head, leader (the
    decision), desk (return), 24 working hours."""
    return [
        _step(1, "Tiếp nhận, kiểm tra hồ sơ", "desk_officer", 4, ["forward", "request_supplement"]),
        _step(2, "Thẩm định hồ sơ", "specialist", 12, ["forward", "send_back", "consult"]),
        _step(3, "Xem xét, trình ký", "department_head", 4, ["forward", "send_back"]),
        _step(4, "Phê duyệt, ký kết quả", "agency_leader", 2, ["approve", "sign", "send_back"]),
        _step(5, "Trả kết quả", "desk_officer", 2, ["return_result"], final=True),
    ]


def _step(order, name, role, hours, actions, final=False):
    return {
        "order": order,
        "name": name,
        "role": role,
        "department": "",
        "hours": Decimal(hours),
        "actions": actions,
        "is_final": final,
    }


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's own
    # reads of the database (to check what was written) are still plain sync code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Desk:
    """One person at the workspace: a browser context logged in as ``user``."""

    def __init__(self, browser, server: str, user, journey: str):
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.server, self.user, self.journey = server, user, journey
        self.shots = 0
        page = self.page
        page.goto(f"{server}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()

    def shot(self, what: str) -> None:
        self.shots += 1
        name = f"{self.journey}-{self.shots:02d}-{self.user.username}-{what}.png"
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    def go(self, path: str) -> None:
        self.page.goto(f"{self.server}{path}")

    def open(self, code: str) -> None:
        self.go(f"/mot-cua/ho-so/{code}/")

    def count(self, queue: str) -> int:
        self.go("/mot-cua/")
        return int(self.page.inner_text(f'a[href="/mot-cua/hang-doi/{queue}/"] .count'))

    def status(self) -> str:
        return self.page.inner_text(".ws-head .status")

    def buttons(self) -> list[str]:
        """The labels of the actions offered, as the person reads them."""
        side = self.page.locator(".side-col .actions")
        labels = side.locator("details.action > summary, div.action.direct button").all()
        return [re.sub(r"\s*Alt\+\w$", "", label.inner_text()).strip() for label in labels]

    def _box(self, label: str):
        button = self.page.get_by_role("button", name=_exactly(label), include_hidden=True)
        return self.page.locator(".side-col .action", has=button).first, button

    def act(self, label: str, *, fill=None, pick=None, files=None, ticks=()) -> None:
        """Press the action ``label``: open its form if it has one, fill it, send it."""
        box, button = self._box(label)
        summary = box.locator("summary")
        if summary.count():
            summary.click()
        for name, value in (fill or {}).items():
            box.locator(f'[name="{name}"]').fill(value)
        for name, value in (pick or {}).items():
            box.locator(f'select[name="{name}"]').select_option(value)
        for name, path in (files or {}).items():
            box.locator(f'input[type=file][name="{name}"]').set_input_files(path)
        for pk in ticks:
            box.locator(f'input[name="missing"][value="{pk}"]').check()
        self.send(box)

    def send(self, box) -> None:
        """Submit the form of ``box`` and wait for the next page. A form the browser
        refuses to send (a required field empty, a value out of range) fails at once with
        the browser's own messages, instead of a bare navigation timeout."""
        refused = box.locator("form").first.evaluate(
            """form => Array.from(form.elements)
                .filter(e => e.willValidate && !e.checkValidity())
                .map(e => `${e.name}=${JSON.stringify(e.value)}: ${e.validationMessage}`)"""
        )
        assert not refused, f"the browser refuses to send the form: {refused}"
        try:
            with self.page.expect_navigation(timeout=45000):
                box.locator("button[type=submit]").click()
        except Exception:
            self.shot("no-navigation")
            raise

    def expect_status(self, text: str) -> None:
        expect(self.page.locator(".ws-head .status")).to_contain_text(text)

    def printed(self, number: str) -> str:
        """The text of printed form ``number`` of the dossier on the page."""
        link = self.page.locator(".print a.button", has_text=f"Mẫu {number}")
        href = link.first.get_attribute("href")
        form = self.context.new_page()
        form.goto(f"{self.server}{href}")
        text = form.inner_text("body")
        form.screenshot(path=str(ARTIFACTS / f"{self.journey}-form-{number}.png"), full_page=True)
        form.close()
        return text

    def receipt(self) -> str:
        """The text of the receipt the page offers to print now (after a payment)."""
        href = self.page.locator(".receipts a.button.primary").first.get_attribute("href")
        sheet = self.context.new_page()
        sheet.goto(f"{self.server}{href}")
        text = sheet.inner_text("body")
        sheet.screenshot(path=str(ARTIFACTS / f"{self.journey}-receipt.png"), full_page=True)
        sheet.close()
        return text


def _exactly(label: str):
    return re.compile(rf"^\s*{re.escape(label)}(\s+Alt\+\w)?\s*$")


def result_file(tmp_path) -> str:
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(PDF)
    return str(path)


@pytest.fixture
def person(browser, live_server, people, request):
    """``person("desk_officer")``: a logged-in browser page of that persona, closed
    after the journey; screenshots are named after the test."""
    opened: list[Desk] = []
    journey = request.node.name.removeprefix("test_")[:40]

    def login(persona: str) -> Desk:
        desk = Desk(browser, live_server.url, getattr(people, persona), journey)
        opened.append(desk)
        return desk

    yield login
    for desk in opened:
        desk.close()
