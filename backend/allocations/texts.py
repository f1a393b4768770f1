"""The engine's reason codes as sentences for people, in their language (gettext).

The engine explains with codes (`full`, `not_eligible`, ...); this module turns them into
"Je 1e keus 'Webshop voor Bakkerij Jansen' was vol: gevuld door studenten die hem als 1e keus
hadden." Call inside `backend.core.i18n.in_language_of(person)` for another language.
"""

from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    return _team_passed_over(head, reason, details)


def _team_passed_over(head: str, reason: str, details: Mapping[str, Any]) -> str:
    """The passed-over reasons of team rounds (together wishes, rotation, team rules)."""
    if reason == "together" and details.get("kept"):
        return _("%(head)s werd het niet: zo konden jullie als groep samen blijven.") % {
            "head": head
        }
    if reason == "together":
        return _("%(head)s kon niet: daar was geen plaats voor jullie hele groep samen.") % {
            "head": head
        }
    if reason == "rotation" and details.get("hard"):
        return _("%(head)s kon niet: je was al eerder bij dit bedrijf.") % {"head": head}
    if reason == "rotation":
        return _(
            "%(head)s werd het niet: je was al eerder bij dit bedrijf, en in deze ronde gaat een "
            "nieuw bedrijf voor."
        ) % {"head": head}
    if reason == "rule":
        return _(
            "%(head)s kon niet: een regel voor de samenstelling van het team liet het niet toe."
        ) % {"head": head}
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
            "team_constraints": _(
                "Je bent niet ingedeeld: je samenwerkwens of een teamregel liet geen van je "
                "keuzes toe. Hieronder staat per keuze waarom."
            ),
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


# Teams (format koppel-allocation/2): why a group of mutual wishes was not kept together (to the
# student, "je"), the same for the coordinator ("u": a short clause), and the rules that bound.


def group_reason_sentence(reason: str | None) -> str:
    """Why the student's group of mutual wishes was not placed together, to the student."""
    sentences = {
        "not_eligible": _(
            "Jullie konden niet samen: niet iedereen in jullie groep mocht meedoen aan dezelfde "
            "uitdaging."
        ),
        "no_common_choice": _(
            "Jullie konden niet samen: er was geen uitdaging die jullie allemaal hadden gekozen."
        ),
        "full": _(
            "Jullie konden niet samen: bij de uitdagingen die jullie allemaal kozen, was geen "
            "plaats voor de hele groep."
        ),
        "rule": _(
            "Jullie konden niet samen: een regel voor de samenstelling van teams (bijvoorbeeld "
            "hoeveel studenten uit één klas mogen komen) liet het niet toe."
        ),
        "cheaper_apart": _(
            "Jullie zijn niet samen geplaatst: apart kregen meer studenten een keuze die hoger op "
            "hun lijst stond."
        ),
        "off": _("In deze ronde telden samenwerkwensen niet mee bij de indeling."),
    }
    return sentences.get(reason or "", _("Jullie konden niet samen geplaatst worden."))


def group_reason_label(reason: str) -> str:
    """Why groups were not kept together, as a short clause for the coordinator."""
    labels = {
        "not_eligible": _("niet iedereen mocht meedoen aan dezelfde uitdaging"),
        "no_common_choice": _("geen uitdaging die alle leden kozen"),
        "full": _("geen plaats voor de hele groep"),
        "rule": _("een teamregel liet het niet toe"),
        "cheaper_apart": _("apart kregen meer studenten een hogere keus"),
        "off": _("samenwerkwensen stonden uit"),
    }
    return labels.get(reason, _("reden onbekend"))


def rule_clause(kind: str, *, value: int, count: int) -> str:
    """A team rule in words for the coordinator: 'hoogstens 2 studenten uit één klas'."""
    if kind == "max_per_class":
        return ngettext(
            "hoogstens %(value)d student uit één klas",
            "hoogstens %(value)d studenten uit één klas",
            value,
        ) % {"value": value}
    if kind == "min_level":
        return ngettext(
            "minstens %(count)d student van niveau %(value)d",
            "minstens %(count)d studenten van niveau %(value)d",
            count,
        ) % {"count": count, "value": value}
    if kind == "mixed_schools":
        return _("studenten van minstens %(value)d scholen") % {"value": value}
    if kind == "min":
        return _("minimale teamgrootte van %(value)d studenten") % {"value": value}
    if kind == "rotation":
        return _("niet opnieuw bij een bedrijf waar de student al was")
    return kind


def bound_rule_sentence(kind: str, *, value: int, count: int, hard: bool, students: int) -> str:
    """'Hoogstens 2 studenten uit één klas (harde regel): besliste over 3 studenten.'"""
    clause = rule_clause(kind, value=value, count=count)
    hardness = _("harde regel") if hard else _("zachte regel")
    return ngettext(
        "%(rule)s (%(hardness)s): besliste over %(n)d student.",
        "%(rule)s (%(hardness)s): besliste over %(n)d studenten.",
        students,
    ) % {"rule": clause[:1].upper() + clause[1:], "hardness": hardness, "n": students}


def student_rule_sentence(kind: str) -> str:
    """A rule that decided the student's placement, to the student."""
    clauses = {
        "max_per_class": _("per team mag maar een beperkt aantal studenten uit één klas komen"),
        "min_level": _("elk team heeft een aantal studenten van een bepaald niveau nodig"),
        "mixed_schools": _("teams worden gemengd met studenten van verschillende scholen"),
        "min": _("een team moet een minimale grootte hebben"),
        "rotation": _("je gaat niet opnieuw naar een bedrijf waar je al eerder was"),
    }
    clause = clauses.get(kind, _("een regel voor de samenstelling van teams"))
    return _("Een teamregel besliste mee over je plaats: %(rule)s.") % {"rule": clause}


def not_mutual_sentence() -> str:
    """The student named teammates, but none of them named the student back."""
    return _(
        "Je noemde klasgenoten om mee samen te werken, maar geen van hen noemde jou ook. Alleen "
        "wensen die over en weer gaan tellen mee bij de indeling."
    )
