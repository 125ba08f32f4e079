"""Which names and email addresses a new or renamed account may take.

Every path that creates or renames an account asks here: sign-up, the admin's add and change forms,
the management commands that create users (`create_api_key`, `create_api_token`, `createsuperuser`
through the user manager) and the demo data.

The rule for names:

- URL-safe: 2 to 50 ASCII letters, digits, `.`, `-` and `_`, starting and ending with a letter or
  a digit. Being ASCII, a name cannot hold a Cyrillic a (U+0430) or a full-width a (U+FF41), so Unicode
  homoglyphs are out by construction.
- Not confusable with an existing account or a reserved name. Two names are confusable when their
  skeletons are equal: NFKC, casefold, then the ASCII look-alikes of Unicode's confusables list
  (UTS #39) folded together (`0` -> `o`; `1`, `i` and `l` -> `l`; `rn` -> `m`; `vv` -> `w`), and the
  separators `.`, `-`, `_` dropped. So `alice.`, `Al1ce`, `a-lice` and `ALICE` all collide with
  `alice`, and `adm1n` with the reserved `admin`. `i` and `l` are folded together although Unicode
  does not: `al1ce` is the impersonation people try, and the cost is that `bill` and `biil` cannot
  both exist.

Existing accounts keep their names; only new names and renames are checked. The database compares
skeletons with the same replacements in SQL (`skeleton_of_username`), so the check is one query.
"""

import re
import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower, Replace

from accounts.errors import EmailTaken, InvalidUsername

NAME_RULE = (
    "2 to 50 characters: letters, digits, dots, dashes and underscores, "
    "starting and ending with a letter or a digit."
)
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,48}[A-Za-z0-9]")
NAME_TAKEN = "That name is taken or too close to an existing one ({existing})."
NAME_RESERVED = "That name is reserved."
EMAIL_TAKEN = "Another account uses that email address."

# Replacements in order, applied after casefolding; the same list builds the SQL expression.
LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
    (".", ""),
    ("-", ""),
    ("_", ""),
    ("rn", "m"),
    ("vv", "w"),
)

# Names of the site and its staff, and the first path segment of our URLs (registry/urls.py and the
# faces' urls.py): a user page or manifest path must never look like one of ours.
RESERVED = frozenset(
    {
        # the site, its operators and staff
        "admin", "administrator", "root", "superuser", "sysadmin", "system", "staff", "moderator",
        "moderators", "mod", "editor", "approver", "support", "help", "security", "abuse",
        "postmaster", "hostmaster", "webmaster", "noreply", "info", "contact", "official", "team",
        "registry", "luaregistry", "anonymous", "everyone", "nobody", "null", "none",
        "undefined", "bot", "test",
        # the ecosystems we speak for
        "contentdb", "luarocks", "luanti", "minetest", "lua", "rocks",
        # path prefixes and pages
        "api", "www", "static", "media", "uploads", "upload", "thumbnails", "manifest",
        "manifests", "dev", "settings", "accounts", "account", "login", "logout", "signup",
        "register", "packages", "package", "modules", "module", "users", "user", "tags",
        "licenses", "tasks", "search", "new", "robots", "sitemap", "schema",
    }
)  # fmt: skip


def skeleton(name: str) -> str:
    """The form two confusable names share (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    for old, new in LOOKALIKES:
        folded = folded.replace(old, new)
    return folded


RESERVED_SKELETONS = frozenset(skeleton(name) for name in RESERVED)


def skeleton_of_username() -> Func:
    """`skeleton(username)` as a database expression (ASCII names: Lower equals casefold there)."""
    expression: Func = Lower(F("username"))
    for old, new in LOOKALIKES:
        expression = Replace(expression, Value(old), Value(new))
    return expression


def check_new_username(username: str, *, renaming_pk: int | None = None) -> str:
    """Refuse a name for a new account (or for account `renaming_pk`); returns it unchanged."""
    User = get_user_model()  # the model imports these rules (its manager asks them)

    if not isinstance(username, str) or not NAME_PATTERN.fullmatch(username):
        raise InvalidUsername(NAME_RULE)
    shape = skeleton(username)
    if shape in RESERVED_SKELETONS:
        raise InvalidUsername(NAME_RESERVED)
    others = User.objects.annotate(name_skeleton=skeleton_of_username()).filter(
        Q(name_skeleton=shape) | Q(username__iexact=username)
    )
    if renaming_pk is not None:
        others = others.exclude(pk=renaming_pk)
    clash = others.values_list("username", flat=True).first()
    if clash is not None:
        raise InvalidUsername(NAME_TAKEN.format(existing=clash))
    return username


def check_email_is_free(email: str, *, owner_pk: int | None = None) -> str:
    """Refuse an address another account already uses (any case); returns it unchanged."""
    User = get_user_model()  # the model imports these rules (its manager asks them)

    if not email:
        return email
    others = User.objects.filter(Q(email__iexact=email) | Q(verified_email__iexact=email))
    if owner_pk is not None:
        others = others.exclude(pk=owner_pk)
    taken = others.exists()
    if taken:
        raise EmailTaken(EMAIL_TAKEN)
    return email
