import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backend.curriculum.importers import CurriculumFormatError, parse_file
from backend.curriculum.importers.csv_format import parse_csv
from backend.curriculum.importers.json_format import parse_json
from backend.curriculum.importers.sbb_xml import parse_sbb_xml
from backend.curriculum.models import (
    Kerntaak,
    KerntaakKind,
    Keuzedeel,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
)
from backend.curriculum.services import kwalificatiedossier_import

REPO = Path(__file__).resolve().parents[3]
SBB = REPO / ".." / "shared" / "data" / "sbb"
FIXTURES = REPO / "fixtures" / "curriculum"
CURRICULUM_MODELS = (Kwalificatiedossier, Kwalificatie, Kerntaak, Werkproces, Keuzedeel)


def sbb_file(name: str) -> Path:
    path = SBB / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"SBB sample {path} is missing; in CI nothing may skip")
        pytest.skip(f"SBB sample {path} not present (it lives in ../shared, outside the repo)")
    return path


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in CURRICULUM_MODELS}
    counts["kerntaak-kwalificatie"] = Kerntaak.kwalificaties.through.objects.count()
    return counts


def snapshot():
    return sorted(
        (w.code, w.kerntaak.dossier.crebo, w.title, w.updated_at)
        for w in Werkproces.objects.select_related("kerntaak__dossier")
    )


def test_it_imports_dienstverlening_with_its_kwalificaties_and_werkprocessen(db):
    call_command("import_kwalificatiedossier", str(sbb_file("2755_Dienstverlening.xml")))

    dossier = Kwalificatiedossier.objects.get()
    assert (dossier.crebo, dossier.title, dossier.edition) == ("23189", "Dienstverlening", "2015")
    assert str(dossier.valid_from) == "2015-08-01"
    assert dossier.valid_until is None
    assert "SBB" in dossier.source
    assert sorted(dossier.kwalificaties.values_list("crebo", "niveau")) == [
        ("25498", 2),
        ("25499", 2),
        ("25500", 2),
    ]
    codes = sorted(Werkproces.objects.values_list("code", flat=True))
    assert len(codes) == 18
    assert (codes[0], codes[-1]) == ("B1-K1-W1", "P3-K1-W3")
    assert codes == [f"B1-K1-W{n}" for n in range(1, 10)] + [
        f"P{p}-K1-W{w}" for p in (1, 2, 3) for w in (1, 2, 3)
    ]
    werkproces = Werkproces.objects.get(code="B1-K1-W1")
    assert werkproces.title == "Bereidt werkzaamheden voor en stemt af"
    assert werkproces.description.startswith("De beroepsbeoefenaar ontvangt werkopdrachten")


def test_each_profiel_kerntaak_is_linked_to_its_own_kwalificatie(db):
    call_command("import_kwalificatiedossier", str(sbb_file("2755_Dienstverlening.xml")))

    links = {
        kerntaak.code: sorted(k.crebo for k in kerntaak.kwalificaties.all())
        for kerntaak in Kerntaak.objects.prefetch_related("kwalificaties")
    }
    assert links == {"B1-K1": [], "P1-K1": ["25499"], "P2-K1": ["25498"], "P3-K1": ["25500"]}
    assert Kerntaak.objects.get(code="B1-K1").kind == KerntaakKind.BASIS
    helpende = Kwalificatie.objects.get(crebo="25498")
    assert sorted(helpende.werkprocessen().values_list("code", flat=True)) == [
        f"B1-K1-W{n}" for n in range(1, 10)
    ] + ["P2-K1-W1", "P2-K1-W2", "P2-K1-W3"]


def test_it_imports_maatschappelijke_zorg_with_43_werkprocessen(db):
    call_command("import_kwalificatiedossier", str(sbb_file("4156_Maatschappelijke_Zorg.xml")))

    dossier = Kwalificatiedossier.objects.get()
    assert (dossier.crebo, dossier.edition) == ("23181", "Gewijzigd 2016")
    assert Werkproces.objects.count() == 43
    assert dossier.kwalificaties.count() == 6
    assert set(Kwalificatie.objects.values_list("niveau", flat=True)) == {3, 4}


def test_a_second_import_of_the_same_files_changes_nothing(db, capsys):
    files = [
        str(sbb_file("2755_Dienstverlening.xml")),
        str(sbb_file("4156_Maatschappelijke_Zorg.xml")),
    ]
    call_command("import_kwalificatiedossier", *files)
    counts, before = row_counts(), snapshot()
    capsys.readouterr()

    call_command("import_kwalificatiedossier", *files)

    assert row_counts() == counts
    assert snapshot() == before  # not even updated_at moved
    output = capsys.readouterr().out
    assert "Dienstverlening (23189, 2015): unchanged" in output
    assert "werkproces: 61 unchanged" in output
    assert "Niets veranderd" in output


def test_a_changed_title_updates_only_that_werkproces(db):
    parsed = parse_json((FIXTURES / "green.json").read_bytes())
    kwalificatiedossier_import(parsed=parsed)
    other = Werkproces.objects.get(code="B1-K1-W2")
    data = (
        (FIXTURES / "green.json")
        .read_text()
        .replace("Draagt zorg voor natuur, grond en water", "Draagt zorg voor natuur en water")
    )

    report = kwalificatiedossier_import(parsed=parse_json(data))

    assert report.counts["werkproces"]["updated"] == 1
    assert report.counts["werkproces"]["unchanged"] == 8
    assert report.status == "updated"
    assert Werkproces.objects.get(code="B1-K1-W1").title == "Draagt zorg voor natuur en water"
    assert Werkproces.objects.get(code="B1-K1-W2").updated_at == other.updated_at


def test_a_werkproces_left_out_of_a_new_file_is_kept_and_reported(db):
    kwalificatiedossier_import(parsed=parse_file(FIXTURES / "green.json"))

    report = kwalificatiedossier_import(parsed=parse_file(FIXTURES / "sample.csv"))

    assert "werkproces B1-K1-W3" in report.missing
    assert Werkproces.objects.filter(code="B1-K1-W3").exists()


def test_the_csv_and_json_formats_give_the_same_structure(db):
    from_csv = parse_file(FIXTURES / "sample.csv")[0]
    from_json = parse_file(FIXTURES / "green.json")[0]

    assert from_csv.kwalificaties == from_json.kwalificaties[:2]
    assert from_csv.kerntaken[1].werkprocessen == from_json.kerntaken[1].werkprocessen
    assert from_csv.kerntaken[1].kwalificatie_crebos == ("25452",)


def test_every_demo_fixture_imports_and_reimports_without_changes(db):
    files = sorted(FIXTURES.glob("*.json"))
    assert {f.name for f in files} >= {"ict.json", "media.json", "care.json", "green.json"}
    parsed = [dossier for f in files for dossier in parse_file(f)]

    kwalificatiedossier_import(parsed=parsed)
    counts = row_counts()
    report = kwalificatiedossier_import(parsed=parsed)

    assert row_counts() == counts
    assert report.status == "unchanged"
    assert Kwalificatie.objects.get(crebo="25604").title == "Software developer"
    assert Kwalificatiedossier.objects.get(edition="2020 (SD20)").crebo == ""


def test_a_failure_midway_leaves_nothing_half_imported(db, monkeypatch):
    from backend.curriculum import services

    kwalificatiedossier_import(parsed=parse_file(FIXTURES / "entree.json"))
    counts = row_counts()
    parsed = parse_file(FIXTURES / "care.json")  # three dossiers
    original = services._import_dossier
    calls = []

    def failing(dossier, report):
        calls.append(dossier.title)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        original(dossier, report)

    monkeypatch.setattr(services, "_import_dossier", failing)

    with pytest.raises(RuntimeError):
        kwalificatiedossier_import(parsed=parsed)

    assert calls == ["Dienstverlening", "Maatschappelijke Zorg"]
    assert row_counts() == counts


def test_a_malformed_file_among_several_imports_nothing(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "koppel-kwalificatiedossier/1", "dossiers": [}')

    with pytest.raises(CommandError, match=r"broken.json regel 1, kolom \d+"):
        call_command("import_kwalificatiedossier", str(FIXTURES / "green.json"), str(broken))

    assert Kwalificatiedossier.objects.count() == 0
    assert Werkproces.objects.count() == 0


XML_OK = """<?xml version="1.0" encoding="utf-8"?>
<sbb>
  <dossiers>
    <dossier nr="1" titel="Testdossier" versie="">
      <dossiercrebos><dossiercrebo Geldig_vanaf="01-08-2015">23999</dossiercrebo></dossiercrebos>
      <basis><basistaken><basiskerntaken>
        <kerntaak titel="Basis" hoofdstuk="1">
          <basiswerkprocessen>
            <werkproces titel="Eerste" hoofdstuk="1"/>
            <werkproces titel="Tweede" hoofdstuk="{wp}"/>
          </basiswerkprocessen>
        </kerntaak>
      </basiskerntaken></basistaken></basis>
      <profielen>
        <profiel titel="Profiel" hoofdstuk="2" niveau="{niveau}">
          <creboinformatie><crebo>25999</crebo></creboinformatie>
          <profielkerntaken><kerntaak titel="Profielkerntaak" hoofdstuk="1">
            <profielwerkprocessen><werkproces titel="Derde" hoofdstuk="1"/></profielwerkprocessen>
          </kerntaak></profielkerntaken>
        </profiel>
      </profielen>
    </dossier>
  </dossiers>
</sbb>
"""


def test_a_small_sbb_file_gives_codes_from_the_hoofdstuk_numbers():
    dossier = parse_sbb_xml(XML_OK.format(wp="2", niveau="3").encode())[0]

    codes = [w.code for k in dossier.kerntaken for w in k.werkprocessen]
    assert codes == ["B1-K1-W1", "B1-K1-W2", "P2-K1-W1"]
    assert dossier.kwalificaties[0].niveau == 3
    assert dossier.kerntaken[1].kwalificatie_crebos == ("25999",)


def test_it_names_the_xml_element_and_line_of_a_bad_value():
    with pytest.raises(CurriculumFormatError) as error:
        parse_sbb_xml(XML_OK.format(wp="twee", niveau="3").encode(), name="kd.xml")

    assert error.value.location == (
        "kd.xml regel 10: <sbb/dossiers/dossier/basis/basistaken/basiskerntaken/kerntaak"
        "/basiswerkprocessen/werkproces>"
    )
    assert "hoofdstuk" in error.value.message


def test_it_names_the_profiel_with_an_impossible_niveau():
    with pytest.raises(CurriculumFormatError) as error:
        parse_sbb_xml(XML_OK.format(wp="2", niveau="5").encode(), name="kd.xml")

    assert error.value.location == "kd.xml regel 15: <sbb/dossiers/dossier/profielen/profiel>"
    assert error.value.message == "attribuut niveau 5 ligt niet tussen 1 en 4"


def test_it_names_the_line_of_broken_xml():
    with pytest.raises(CurriculumFormatError) as error:
        parse_sbb_xml(b"<sbb>\n<dossiers>\n<dossier>\n</sbb>", name="kd.xml")

    assert error.value.location.startswith("kd.xml regel 4, kolom")
    assert "geen geldige XML" in error.value.message


def test_it_refuses_an_xml_file_without_dossiers():
    with pytest.raises(CurriculumFormatError, match="geen <dossier> gevonden"):
        parse_sbb_xml(b"<sbb><domeinen/></sbb>")


def test_it_names_the_json_path_of_a_bad_werkproces_code():
    document = """{"format": "koppel-kwalificatiedossier/1", "dossiers": [{
        "crebo": "23999", "title": "T", "edition": "2024",
        "kwalificaties": [{"crebo": "25999", "title": "K", "niveau": 2}],
        "kerntaken": [{"code": "B1-K1", "title": "Basis", "werkprocessen": [
            {"code": "B1-K1-W1", "title": "Een"}, {"code": "B1-K1-X2", "title": "Twee"}]}]}]}"""

    with pytest.raises(CurriculumFormatError) as error:
        parse_json(document, name="kd.json")

    assert error.value.location == "kd.json: dossiers[0].kerntaken[0].werkprocessen[1].code"
    assert "B1-K1-X2" in error.value.message


def test_it_refuses_a_werkproces_under_the_wrong_kerntaak_in_json():
    document = """{"format": "koppel-kwalificatiedossier/1", "dossiers": [{
        "crebo": "23999", "title": "T", "edition": "2024",
        "kwalificaties": [{"crebo": "25999", "title": "K", "niveau": 2}],
        "kerntaken": [{"code": "B1-K1", "title": "Basis", "werkprocessen": [
            {"code": "B1-K2-W1", "title": "Een"}]}]}]}"""

    with pytest.raises(CurriculumFormatError, match="hoort niet bij kerntaak B1-K1"):
        parse_json(document, name="kd.json")


def test_it_refuses_a_profiel_kerntaak_for_an_unknown_kwalificatie():
    document = """{"format": "koppel-kwalificatiedossier/1", "dossiers": [{
        "crebo": "23999", "title": "T", "edition": "2024",
        "kwalificaties": [{"crebo": "25999", "title": "K", "niveau": 2}],
        "kerntaken": [{"code": "P1-K1", "title": "P", "kwalificaties": ["25111"],
            "werkprocessen": [{"code": "P1-K1-W1", "title": "Een"}]}]}]}"""

    with pytest.raises(CurriculumFormatError) as error:
        parse_json(document, name="kd.json")

    assert error.value.location == "kd.json: dossiers[0]"
    assert "onbekende kwalificatie 25111" in error.value.message


def test_it_names_the_line_and_column_of_a_bad_csv_row():
    rows = (FIXTURES / "sample.csv").read_text().splitlines()
    rows[3] = "kwalificatie,25451,Medewerker groen en cultuurtechniek,zes,,,,,"

    with pytest.raises(CurriculumFormatError) as error:
        parse_csv("\n".join(rows), name="kd.csv")

    assert error.value.location == "kd.csv regel 4, kolom niveau"
    assert error.value.message == "niveau moet een getal zijn, niet 'zes'"


def test_it_refuses_a_csv_werkproces_before_its_kerntaak():
    data = (
        "kind,code,title,niveau\n"
        "dossier,23999,T,\n"
        "kwalificatie,25999,K,2\n"
        "werkproces,B1-K1-W1,Een,\n"
    )

    with pytest.raises(CurriculumFormatError) as error:
        parse_csv(
            data.replace("kind,code,title,niveau", "kind,code,title,niveau,edition").replace(
                "dossier,23999,T,", "dossier,23999,T,,2024"
            ),
            name="kd.csv",
        )

    assert error.value.location == "kd.csv regel 4, kolom code"


def test_it_refuses_a_csv_without_the_required_columns():
    with pytest.raises(CurriculumFormatError) as error:
        parse_csv("soort,code\ndossier,23999\n", name="kd.csv")

    assert error.value.location == "kd.csv regel 1"


def test_it_reads_semicolon_separated_csv_as_excel_writes_it():
    data = (FIXTURES / "sample.csv").read_text().replace(",", ";")
    # Titles with commas were quoted; with semicolons the commas inside them are plain text.
    dossier = parse_csv(data)[0]

    assert [k.crebo for k in dossier.kwalificaties] == ["25452", "25451"]


def test_the_command_reports_an_unknown_file_type(db, tmp_path):
    path = tmp_path / "kd.txt"
    path.write_text("x")

    with pytest.raises(CommandError, match="onbekend bestandstype"):
        call_command("import_kwalificatiedossier", str(path))


def test_keuzedelen_in_csv_are_imported_and_linked_once(db):
    data = (
        "kind,code,title,niveau,kwalificaties,edition,sbu\n"
        "dossier,,Software developer,,,2020 (SD20),\n"
        "kwalificatie,25604,Software developer,4,,,\n"
        "kerntaak,B1-K1,Realiseert software,,,,\n"
        "werkproces,B1-K1-W1,Plant werkzaamheden en bewaakt de voortgang,,,,\n"
        "keuzedeel,K0071,Nederlands 3F,,25604,,240\n"
    )
    kwalificatiedossier_import(parsed=parse_csv(data))

    report = kwalificatiedossier_import(parsed=parse_csv(data))

    keuzedeel = Keuzedeel.objects.get()
    assert (keuzedeel.code, keuzedeel.sbu, keuzedeel.niveau) == ("K0071", 240, None)
    assert [k.crebo for k in keuzedeel.kwalificaties.all()] == ["25604"]
    assert Kwalificatiedossier.objects.get().crebo == ""
    assert report.status == "unchanged"
