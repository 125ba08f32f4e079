"""The review loop in real browsers (issue #21): the author submits, a moderator requests changes
from the admin's queue, the author sees the unread badge and the mail's link, answers in the
approval thread, the moderator approves from the queue and the author is notified; a review gets a
reply in its thread, the reviewer is notified (badge, list, mail), and the mail's unsubscribe link,
opened without logging in, stops that kind of mail while the list still shows it. With
SCREENSHOTS_DIR set, the thread page and the notification list are saved there
(docs/screenshots/thread.jpg, notifications.jpg)."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Rank
from packages.models import PackageState
from packages.reviews import write_review
from packages.threads import create_thread
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import PASSWORD, visit
from tests.factories import PackageFactory, ReleaseFactory, UserFactory
from tests.logins import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(folder) / f"{name}.jpg"), full_page=True, type="jpeg", quality=82
        )


def log_in(page, site: str, username: str, device: TOTPDevice | None = None) -> None:
    visit(page, f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/accounts/login/code/.*"))
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/")


def test_the_review_loop_in_the_browser(page, browser, site):
    author = UserFactory(username="maria", rank=Rank.MEMBER, password=PASSWORD)
    moderator = UserFactory(username="mod", rank=Rank.MODERATOR, is_staff=True, password=PASSWORD)
    device = TOTPDevice.objects.create(user=moderator, name="app", confirmed=True)
    package = PackageFactory(
        author=author,
        name="glowing_mushrooms",
        title="Glowing Mushrooms",
        state=PackageState.WIP,
        approved_at=None,
    )
    ReleaseFactory(package=package)
    package_url = f"{site}/packages/maria/glowing_mushrooms/"

    # the author submits
    log_in(page, site, "maria")
    visit(page, package_url)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("waiting for a moderator")

    # the moderator requests changes from the queue, in a browser of their own
    moderator_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    moderator_page.set_default_timeout(10_000)
    log_in(moderator_page, site, "mod", device)
    moderator_page.goto(f"{site}/admin/packages/package/moderation-queue/")
    row = moderator_page.locator('tr.queue-package[data-key="maria/glowing_mushrooms"]')
    row.get_by_role("button", name="Request changes…").click()
    moderator_page.get_by_label("Comment").fill(
        "Please add a **license** file and a screenshot of the mushrooms glowing."
    )
    moderator_page.get_by_role("button", name="Request changes").click()
    expect(moderator_page.locator(".messagelist")).to_contain_text("Changes requested")

    # the author: the unread badge, and the mail's link to the approval thread
    visit(page, f"{site}/")
    expect(page.locator(".unread-count")).to_have_text("1")
    sent = [m for m in mail.outbox if m.to == [author.email]]
    assert sent and "Changes requested" in sent[-1].subject
    link = re.search(r"(https?://\S+/threads/\d+/#reply-\d+)", sent[-1].body).group(1)
    visit(page, link)
    expect(page.locator(".system-post").last).to_contain_text("license")
    page.get_by_label("Your reply").fill(
        "Added `LICENSE.txt` and a screenshot. Resubmitting now, thank you!"
    )
    page.get_by_role("button", name="Reply").click()
    expect(page.locator(".thread-post").last).to_contain_text("Resubmitting now")
    visit(page, package_url)
    page.get_by_role("button", name="Submit for review").click()

    # the queue shows the answer waiting, and the moderator approves from it
    moderator_page.goto(f"{site}/admin/packages/package/moderation-queue/")
    row = moderator_page.locator('tr.queue-package[data-key="maria/glowing_mushrooms"]')
    expect(row).to_contain_text("Approval thread")
    row.get_by_role("button", name="Approve").click()
    expect(moderator_page.locator(".messagelist")).to_contain_text("Approved")

    # meanwhile a review of another of her packages, and a private question
    soup = PackageFactory(author=author, name="mushroom_soup", title="Mushroom Soup")
    fan = UserFactory(username="lena", rank=Rank.MEMBER)
    review = write_review(
        by=fan, package=soup, rating=5, title="Tasty", comment="Restores four hunger points."
    )
    create_thread(
        by=fan,
        package=soup,
        title="Crash with 5.9",
        body="The soup crashes the game when eaten in creative mode.",
    )
    assert review.thread

    # the author is notified
    visit(page, f"{site}/notifications/")
    expect(page.locator(".notification.unread", has_text="was approved")).to_have_count(1)
    save(page, "notifications")
    page.get_by_role("link", name="Glowing Mushrooms was approved").click()
    expect(page.locator(".system-post").last).to_contain_text("Approved.")
    save(page, "thread")
    moderator_page.context.close()


def test_a_review_reply_notifies_the_reviewer_and_unsubscribe_stops_that_mail(page, browser, site):
    author = UserFactory(username="maria", rank=Rank.MEMBER, password=PASSWORD)
    reviewer = UserFactory(username="lena", rank=Rank.MEMBER, password=PASSWORD)
    package = PackageFactory(author=author, name="mushroom_soup", title="Mushroom Soup")
    ReleaseFactory(package=package)
    package_url = f"{site}/packages/maria/mushroom_soup/"

    # the reviewer writes a review on the package page
    log_in(page, site, "lena")
    visit(page, package_url)
    page.get_by_label("Positive").check()
    page.get_by_label("Title").fill("Tasty soup")
    page.get_by_label("Comment").fill("Restores four hunger points and the bowl comes back.")
    page.get_by_role("button", name="Publish review").click()
    expect(page.locator(".review", has_text="Tasty soup")).to_have_count(1)
    assert_accessible(page)

    # the author hears of it, opens the review's thread from the list and replies there
    author_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    author_page.set_default_timeout(10_000)
    log_in(author_page, site, "maria")
    expect(author_page.locator(".unread-count")).to_have_text("1")
    visit(author_page, f"{site}/notifications/")
    author_page.get_by_role("link", name=re.compile(r"reviewed Mushroom Soup: Tasty soup")).click()
    author_page.wait_for_url(re.compile(r".*/threads/\d+/"))
    assert_accessible(author_page)
    thread_url = author_page.url.split("#")[0]
    mail.outbox.clear()
    author_page.get_by_label("Your reply").fill("Thank you! The *bowl* was the hard part.")
    author_page.get_by_role("button", name="Reply").click()
    expect(author_page.locator(".thread-post").last).to_contain_text("was the hard part")

    # the reviewer: the unread badge, the notification in the list, and a mail with a working link
    visit(page, f"{site}/")
    expect(page.locator(".unread-count")).to_have_text("1")
    visit(page, f"{site}/notifications/")
    replied = page.locator(".notification.unread", has_text="replied in Tasty soup")
    expect(replied).to_have_count(1)
    [message] = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert "replied in Tasty soup" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    thread_link = re.search(r"(https?://\S+/threads/\d+/#reply-\d+)", message.body).group(1)
    unsubscribe = re.search(r"(https?://\S+/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    visit(page, thread_link)
    expect(page.locator(".thread-post").last).to_contain_text("was the hard part")
    visit(page, f"{site}/")
    expect(page.locator(".unread-count")).to_have_count(0)  # opening the thread read it

    # the unsubscribe link, opened in a browser that is not logged in: it asks, then stops
    stranger = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    stranger.set_default_timeout(10_000)
    visit(stranger, unsubscribe)
    expect(stranger.get_by_role("link", name="Log in")).to_be_visible()
    expect(stranger.locator("main")).to_contain_text("Replies in threads you take part in")
    stranger.get_by_role("button", name="Unsubscribe").click()
    expect(stranger.locator(".message-success")).to_contain_text("we no longer mail you")
    assert_accessible(stranger)
    stranger.context.close()

    # the next reply mails the reviewer nothing, yet it is still in the list, and the
    # reviewer's email settings say "Never" for that kind (the others are untouched)
    mail.outbox.clear()
    visit(author_page, thread_url)
    author_page.get_by_label("Your reply").fill("A cold version is coming in the next release.")
    author_page.get_by_role("button", name="Reply").click()
    expect(author_page.locator(".thread-post").last).to_contain_text("cold version")
    assert [m for m in mail.outbox if reviewer.email in m.to] == []
    visit(page, f"{site}/")
    expect(page.locator(".unread-count")).to_have_text("1")
    visit(page, f"{site}/notifications/")
    expect(page.locator(".notification", has_text="replied in Tasty soup")).to_have_count(2)
    expect(page.locator(".notification.unread", has_text="replied in Tasty soup")).to_have_count(1)
    visit(page, f"{site}/settings/notifications/")
    expect(page.locator('input[name="thread_reply"][value="never"]')).to_be_checked()
    expect(page.locator('input[name="new_review"][value="immediately"]')).to_be_checked()
    author_page.context.close()
