"""Where each role opens the app: the pages an admin may choose as a role's landing page and
the defaults (a contributor on the quick note, a researcher on what is new, a viewer on the
team lead's view, an admin on the Overview)."""

from collections.abc import Collection

from views.i18n import N_

HOMES = {  # url path -> the page's name in the navigation (the choices of a landing page)
    "quick_note": N_("Quick note"),
    "my_notes": N_("My notes"),
    "whats_new": N_("What's new"),
    "lead": N_("Team lead's view"),
    "overview": N_("Overview"),
    "for_you": N_("For you"),
    "add": N_("Add"),
    "search": N_("Search"),
    "backlog": N_("Backlog"),
}
DEFAULTS = {
    "contributor": "quick_note",
    "researcher": "whats_new",
    "viewer": "lead",
    "admin": "overview",
}


def offered() -> list[str]:
    """The pages an admin may choose from."""
    return list(HOMES)


def landing(role: str, chosen: dict[str, str], available: Collection[str]) -> str:
    """The url path of the page a person of `role` opens on: the admin's choice for the role,
    else the role's default, else Add (a page not in `available` is skipped: the quick note
    before it exists)."""
    for page in (chosen.get(role), DEFAULTS.get(role), "add"):
        if page in available:
            return page
    return "overview"
