"""Things the browser flows share: making files, signing up through the form."""

import io
import math
import os
import re
import zipfile

from django.core import mail
from PIL import Image, ImageDraw

from accounts.models import Rank, User
from packages.models import Screenshot
from packages.screenshots import add_screenshot, delete_screenshot
from tests.browser.a11y import assert_accessible

PASSWORD = "a long and quite unguessable passphrase"


def visit(page, url: str):
    """Open a page and run the accessibility smoke check on it."""
    response = page.goto(url)
    assert_accessible(page)
    return response


def sign_up(page, site: str, username: str, *, verify: bool = True) -> None:
    """Sign up through the form and, as a new author does before publishing, open the mailed
    verification link (the live server shares the test's locmem outbox) and press its button."""
    visit(page, f"{site}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{site}/users/{username}/")
    assert_accessible(page)
    if verify:
        sent = [m for m in mail.outbox if m.to == [f"{username}@example.org"]]
        link = re.search(r"(https?://\S+/accounts/verify-email/\S+/)", sent[-1].body).group(1)
        visit(page, link)
        page.get_by_role("button", name=f"Verify {username}@example.org").click()
        page.wait_for_url(f"{site}/settings/profile/")


def mod_zip(name: str, *, padding: int = 0) -> bytes:
    """A mod zip; `padding` random bytes in a stored (uncompressed) file make the upload slow
    enough under network throttling to watch its progress bar."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\ndescription = A test mod\n")
        archive.writestr(f"{name}/init.lua", 'core.log("action", "loaded")\n')
        archive.writestr(f"{name}/LICENSE.txt", "MIT\n")  # ContentDB asks new packages for one
        if padding:
            archive.writestr(f"{name}/sounds/noise.ogg", os.urandom(padding))
    return buffer.getvalue()


def png(width: int = 1280, height: int = 720, *, hue: int = 0) -> bytes:
    """A little voxel landscape (sky, hills, blocks), so screenshots of the site look like one."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(170 + 60 * y / height)
        draw.line([(0, y), (width, y)], fill=(90 + hue % 60, shade, 235))
    block = 40
    for column, x in enumerate(range(0, width, block)):
        ground = height // 2 + int(80 * math.sin(column / 4 + hue)) + 60
        for y in range(ground, height, block):
            colour = (70, 150 - hue % 50, 60) if y == ground else (120 + hue % 40, 85, 50)
            draw.rectangle([x, y, x + block - 2, y + block - 2], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def file_payload(name: str, mime: str, content: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def replace_demo_screenshots() -> None:
    """The demo's placeholder images are small flat colours; put real-size ones in through the
    screenshot service, the way an author's uploads arrive."""
    # trusted members' screenshots are approved at once (the APPROVE_SCREENSHOT rule)
    User.objects.filter(username__in=["sofia", "rubens", "kaito"]).update(rank=Rank.TRUSTED_MEMBER)
    for index, shot in enumerate(Screenshot.objects.select_related("package__author")):
        package, title, cover = shot.package, shot.title, shot.is_cover_image
        delete_screenshot(screenshot=shot, by=package.author)
        add_screenshot(
            package=package,
            by=package.author,
            title=title,
            file=png(hue=index * 17),
            is_cover_image=cover,
        )
