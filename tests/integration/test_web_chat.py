"""The website chat in a real browser: headless Chromium on the page that `rasa run` serves.

The page, its assets and the socket.io endpoint come from the `web` channel
(bot/connectors/web); the browser types, waits for cards, presses card buttons, reloads and
carries on. The catalog's tablets have a script-like title and an image (served on loopback), so
the cards show images and an XSS attempt in a catalog title (and in a typed message) must render
as text. Screenshots go to artifacts/web-chat/ (one at phone width).
"""
from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.integration.conftest import XSS_TITLE

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "web-chat"
XSS_MESSAGE = '<script>window.__xss=2</script><img src=x onerror="window.__xss=3"> hello'
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def web_stack(channels_stack):
    """The shared channel stack (tests/integration/conftest.py): the demo catalog, its tablets titled with
    an XSS attempt and given images served on loopback."""
    return channels_stack


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def chat_url(stack) -> str:
    return f"{stack.rasa_url}/webhooks/web/chat"


def bot_count(page) -> int:
    return page.locator(".msg--bot").count()


def say(page, text: str) -> None:
    """Type a message and wait for the assistant's answer to it."""
    before = bot_count(page)
    page.fill("#input", text)
    page.press("#input", "Enter")
    page.wait_for_function(f"document.querySelectorAll('.msg--bot').length > {before}", timeout=TIMEOUT_MS)
    settle(page)


def press(page, button) -> None:
    before = bot_count(page)
    button.click()
    page.wait_for_function(f"document.querySelectorAll('.msg--bot').length > {before}", timeout=TIMEOUT_MS)
    settle(page)


def settle(page, quiet_ms: int = 1500) -> None:
    """Wait until no further bot message arrives for ``quiet_ms`` (a turn may send several)."""
    count = bot_count(page)
    while True:
        page.wait_for_timeout(quiet_ms)
        now = bot_count(page)
        if now == count:
            return
        count = now


def latest_cards(page):
    return page.locator(".msg--bot .cards").last.locator(".card")


def card_ids(page):
    return [c.get_attribute("data-item-id") for c in latest_cards(page).all()]


def snapshot(page, path: Path) -> None:
    """The whole conversation in one picture: the viewport stretched to the page's height."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 12000))})
    page.wait_for_timeout(200)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def no_script_ran(page) -> None:
    assert page.evaluate("window.__xss") is None, "injected markup ran in the page"
    assert page.locator(".log img:not(.card__img)").count() == 0, "markup from a message became an element"


def test_page_and_assets_are_served_by_rasa(web_stack):
    page = requests.get(chat_url(web_stack), timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'src="assets/socket.io.min.js"' in page.text and 'src="assets/chat.js"' in page.text
    library = requests.get(f"{web_stack.rasa_url}/webhooks/web/assets/socket.io.min.js", timeout=30)
    assert library.status_code == 200 and "javascript" in library.headers["content-type"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/socket.io-client"]["version"]
    assert version.startswith("4.") and f"Socket.IO v{version}" in library.text[:200]
    assert requests.get(f"{web_stack.rasa_url}/webhooks/web/assets/socket.io-client.LICENSE", timeout=30).ok
    assert requests.get(f"{web_stack.rasa_url}/webhooks/web/assets/..%2F__init__.py", timeout=30).status_code == 404
    assert requests.get(f"{web_stack.rasa_url}/webhooks/web/", timeout=30).json() == {"status": "ok"}


def test_a_shopper_chats_in_the_browser(web_stack, browser, artifacts):
    errors = []
    # CSP bypassed: the page's own escaping must keep injected markup inert, not only its CSP
    # (which would also block Playwright's waiting functions)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(chat_url(web_stack))
    page.wait_for_selector("#app[data-ready='true']", timeout=TIMEOUT_MS)
    session = page.get_attribute("#app", "data-session")
    assert re.fullmatch(r"[0-9a-f]{32}", session or "")

    # an XSS attempt typed as a message is shown as the text it is
    say(page, XSS_MESSAGE)
    assert page.locator(".msg--user .bubble").last.text_content() == XSS_MESSAGE
    no_script_ran(page)

    # a request: cards with title, price, features, reason, image and the three buttons
    say(page, "show me tablets")
    page.wait_for_selector(".msg--bot .cards .card", timeout=TIMEOUT_MS)
    cards = latest_cards(page)
    assert cards.count() >= 2
    first = cards.first
    assert XSS_TITLE in first.locator(".card__title").text_content()  # the catalog title, as text
    assert first.locator(".card__price").text_content().startswith("$")
    assert first.locator(".chip").count() >= 1 and first.locator(".card__reason").text_content()
    assert first.locator("img.card__img").count() == 1
    page.wait_for_function("Array.from(document.querySelectorAll('.card__img'))"
                           ".some(i => i.complete && i.naturalWidth > 0)", timeout=TIMEOUT_MS)
    assert [b.text_content() for b in first.locator(".card__actions button").all()] == ["More like this", "Not this",
                                                                                         "Details"]
    no_script_ran(page)
    snapshot(page, artifacts / "1-cards-desktop.png")

    # "not this" on the second card: it is gone from the next list
    disliked = cards.nth(1).get_attribute("data-item-id")
    press(page, cards.nth(1).locator("button", has_text="Not this"))
    assert page.locator(".msg--user .bubble").last.text_content() == "Not this"
    if page.locator(".msg--bot").last.locator(".cards").count():
        assert disliked not in card_ids(page)

    # "more like this" on the first card of the latest list: a new list of cards
    cards_before = page.locator(".cards").count()
    button = latest_cards(page).first.locator("button", has_text="More like this")
    press(page, button)
    page.wait_for_function(f"document.querySelectorAll('.cards').length > {cards_before}", timeout=TIMEOUT_MS)
    assert latest_cards(page).count() >= 1
    assert disliked not in card_ids(page)
    no_script_ran(page)
    snapshot(page, artifacts / "2-after-buttons.png")
    shown_before_reload = card_ids(page)
    messages_before_reload = page.locator(".msg").count()

    # reload: same session, the conversation is shown again and carries on
    page.reload()
    page.wait_for_selector("#app[data-ready='true']", timeout=TIMEOUT_MS)
    assert page.get_attribute("#app", "data-session") == session
    assert page.locator(".msg").count() == messages_before_reload
    assert card_ids(page) == shown_before_reload
    assert page.locator(".msg--user .bubble", has_text="show me tablets").count() == 1
    no_script_ran(page)
    say(page, "cheaper")
    reply = page.locator(".msg--bot").last
    assert reply.locator(".card").count() >= 1, reply.text_content()
    assert all(XSS_TITLE in t for t in reply.locator(".card__title").all_text_contents())  # still tablets
    snapshot(page, artifacts / "3-after-reload.png")

    # phone width: one column, nothing wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = reply.locator(".card").first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    snapshot(page, artifacts / "4-phone.png")
    assert not errors, errors
    context.close()
    assert all((artifacts / name).stat().st_size > 5000 for name in
               ("1-cards-desktop.png", "2-after-buttons.png", "3-after-reload.png", "4-phone.png"))


@pytest.mark.parametrize("sender", ["alice", uuid.uuid4().hex])
def test_a_page_cannot_read_another_channels_conversation(web_stack, browser, sender):
    """A REST sender's id in the page's storage: a made-up id is replaced, none shows its history."""
    assert web_stack.say(sender, "show me tablets")
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(f"localStorage.setItem('concierge.web.session', {json.dumps(sender)})")
    page = context.new_page()
    page.goto(chat_url(web_stack))
    page.wait_for_selector("#app[data-ready='true']", timeout=TIMEOUT_MS)
    if not re.fullmatch(r"[0-9a-f]{32}", sender):
        assert page.get_attribute("#app", "data-session") != sender
    assert page.locator(".msg").count() == 0
    context.close()
