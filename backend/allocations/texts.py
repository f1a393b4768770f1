"""The engine's reason codes as sentences for people, in their language (gettext).

The engine explains with codes (`full`, `not_eligible`, ...); this module turns them into
"Je 1e keus 'Webshop voor Bakkerij Jansen' was vol: gevuld door studenten die hem als 1e keus
hadden." Call inside `backend.core.i18n.in_language_of(person)` for another language.
"""

from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

CERTIFICATE_NAMES = {"VOG": "VOG", "BHV": "BHV", "VCA": "VCA"}


def _ranks(ranks: list[int]) -> str:
    counts = Counter(ranks)
    parts = [
        _("%(n)d× als %(rank)de keus") % {"n": n, "rank": rank}
        for rank, n in sorted(counts.items())
    ]
    return ", ".join(parts)


def rule_sentence(
    details: Mapping[str, Any], *, school_names: Mapping[int, str] | None = None
) -> str:
    """Why a student may not take a challenge, as a clause: 'deze is voor niveau 3 en 4'."""
    rule = details.get("rule")
    required = list(details.get("required") or [])
    if rule == "level":
        return _("deze is alleen voor niveau %(levels)s") % {
            "levels": ", ".join(str(level) for level in required)
        }
    if rule == "programme":
        return _("deze is alleen voor de opleidingen met crebo %(crebos)s") % {
            "crebos": ", ".join(required)
        }
    if rule == "school":
        names = school_names or {}
        return _("deze is alleen voor studenten van %(schools)s") % {
            "schools": ", ".join(names.get(pk, str(pk)) for pk in required)
        }
    if rule == "certificate":
        missing = list(details.get("missing") or required)
        return _("hiervoor heb je een geldige %(certificates)s nodig") % {
            "certificates": ", ".join(CERTIFICATE_NAMES.get(c, c) for c in missing)
        }
    return _("je voldoet niet aan de voorwaarden")


def _full(head: str, details: Mapping[str, Any]) -> str:
    ranks = list(details.get("filled_by_ranks") or [])
    if ranks and all(r == ranks[0] for r in ranks) and not details.get("locked"):
        return _("%(head)s was vol: gevuld door studenten die hem als %(rank)de keus hadden.") % {
            "head": head,
            "rank": ranks[0],
        }
    filled = _ranks(ranks) if ranks else _("vastgezette plaatsingen")
    return _(
        "%(head)s was vol (%(capacity)d plaatsen): gevuld door studenten die hem kozen: %(ranks)s."
    ) % {
        "head": head,
        "capacity": details.get("capacity", 0),
        "ranks": filled,
    }


def _host_full(head: str, details: Mapping[str, Any], host_name: str) -> str:
    return _(
        "%(head)s viel af: %(host)s had geen plaats meer (%(capacity)d studenten in totaal)."
    ) % {
        "head": head,
        "host": host_name or _("het bedrijf"),
        "capacity": details.get("capacity", 0),
    }


def _closed(head: str, details: Mapping[str, Any]) -> str:
    return _(
        "%(head)s ging niet door: er waren minstens %(min)d studenten nodig en er waren er maar %(n)d."
    ) % {"head": head, "min": details.get("min", 0), "n": details.get("interested", 0)}


def passed_over_sentence(
    item: Mapping[str, Any],
    *,
    title: str,
    host_name: str = "",
    school_names: Mapping[int, str] | None = None,
) -> str:
    """One sentence for a better choice the student did not get."""
    rank, reason, details = item["rank"], item["reason"], item.get("details") or {}
    head = _("Je %(rank)de keus '%(title)s'") % {"rank": rank, "title": title}
    if reason == "full":
        return _full(head, details)
    if reason == "host_full":
        return _host_full(head, details, host_name)
    if reason == "not_eligible":
        return _("%(head)s kon niet: %(rule)s.") % {
            "head": head,
            "rule": rule_sentence(details, school_names=school_names),
        }
    if reason == "closed":
        return _closed(head, details)
    if reason == "tradeoff":
        return _(
            "%(head)s had nog plaats, maar dan waren andere studenten verder van hun keuzes af geraakt."
        ) % {"head": head}
    if reason == "locked":
        return _("%(head)s is niet bekeken: de coördinator heeft je indeling vastgezet.") % {
            "head": head
        }
    return _("%(head)s is niet gelukt.") % {"head": head}


def result_sentence(
    *, title: str | None, rank: int | None, source: str, unassigned_reason: str = ""
) -> str:
    if title is None:
        return {
            "no_preferences": _("Je bent niet ingedeeld: je hebt geen keuzes ingeleverd."),
            "no_eligible_choice": _(
                "Je bent niet ingedeeld: geen van je keuzes stond voor jou open."
            ),
            "all_choices_full": _("Je bent niet ingedeeld: al je keuzes waren vol."),
        }.get(unassigned_reason, _("Je bent (nog) niet ingedeeld."))
    if source in ("override", "objection", "locked") and rank is None:
        return _("Je bent door de coördinator ingedeeld bij '%(title)s'.") % {"title": title}
    if rank is None:
        return _("Je bent ingedeeld bij '%(title)s'.") % {"title": title}
    if source in ("override", "objection"):
        return _("De coördinator heeft je ingedeeld bij '%(title)s', je %(rank)de keus.") % {
            "title": title,
            "rank": rank,
        }
    return _("Je bent ingedeeld bij '%(title)s', je %(rank)de keus.") % {
        "title": title,
        "rank": rank,
    }


def unassigned_sentence(reason: str) -> str:
    return result_sentence(title=None, rank=None, source="", unassigned_reason=reason)
