"""Links from the domain to pages, by name.

The backend knows *which* page a message points at ("the agreement", "the student's round"), not
*where* that page lives: URLs belong to the interface layer. A service names the page with a
`PageLink`; the frontend registers how names become URLs when it starts (`FrontendConfig.ready`).
A name that does not resolve raises instead of sending a message with an empty link.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLink:
    """A page by name and arguments, e.g. `PageLink("agreement-detail", agreement.pk)`."""

    name: str
    args: tuple[int | str, ...] = ()

    def __init__(self, name: str, *args: int | str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(args))


PageResolver = Callable[[PageLink], str]
_resolver: PageResolver | None = None


def register_page_resolver(resolver: PageResolver) -> None:
    """Called once by the interface layer; a second call replaces the first (tests)."""
    global _resolver
    _resolver = resolver


def page_url(link: PageLink | None) -> str:
    """The path of the named page ("" for no link). Raises LookupError when no interface layer
    registered a resolver, and the resolver's own error (NoReverseMatch) for an unknown name."""
    if link is None:
        return ""
    if _resolver is None:
        raise LookupError(f"No page resolver registered; cannot link to {link.name!r}.")
    return _resolver(link)
