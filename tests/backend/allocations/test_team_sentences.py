"""What a student reads about a team round's passed-over choices and missing place."""

from django.utils import translation

from backend.allocations.selectors.student import unassigned_reason
from backend.allocations.texts import passed_over_sentence, result_sentence


def _passed(reason: str, **details: object) -> dict[str, object]:
    return {"rank": 1, "reason": reason, "details": details, "offer_id": 7}


def test_a_group_without_room_together_is_not_told_its_choices_were_full() -> None:
    engine = {"offer_id": None, "passed_over": [_passed("together", group=[3], kept=False)]}
    assert unassigned_reason(engine) == "team_constraints"
    with translation.override("nl"):
        sentence = result_sentence(
            title=None, rank=None, source="", unassigned_reason="team_constraints"
        )
    assert sentence == (
        "Je bent niet ingedeeld: je samenwerkwens of een teamregel liet geen van je keuzes "
        "toe. Hieronder staat per keuze waarom."
    )
    assert "vol" not in sentence


def test_full_choices_are_still_called_full() -> None:
    engine = {"offer_id": None, "passed_over": [_passed("full", capacity=2)]}
    assert unassigned_reason(engine) == "all_choices_full"


def test_each_team_reason_has_its_own_sentence() -> None:
    with translation.override("nl"):
        sentences = {
            key: passed_over_sentence(item, title="Webshop")
            for key, item in {
                "apart": _passed("together", group=[3], kept=False),
                "kept": _passed("together", group=[3], kept=True),
                "rotation hard": _passed("rotation", host=4, hard=True),
                "rotation soft": _passed("rotation", host=4, hard=False),
                "rule": _passed("rule", kinds=["max_per_class"]),
            }.items()
        }
    assert sentences == {
        "apart": "Je 1e keus 'Webshop' kon niet: daar was geen plaats voor jullie hele groep samen.",
        "kept": "Je 1e keus 'Webshop' werd het niet: zo konden jullie als groep samen blijven.",
        "rotation hard": "Je 1e keus 'Webshop' kon niet: je was al eerder bij dit bedrijf.",
        "rotation soft": "Je 1e keus 'Webshop' werd het niet: je was al eerder bij dit bedrijf, "
        "en in deze ronde gaat een nieuw bedrijf voor.",
        "rule": "Je 1e keus 'Webshop' kon niet: een regel voor de samenstelling van het team "
        "liet het niet toe.",
    }
