"""The professional profile (BCP) as data: content, loader, cross-checks and the CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.bcp import Profile, clear_cache, competency_names, load_profile, werkproces_codes
from bot.content import ContentErrors, load_yaml
from bot.content.yamlfile import to_plain
from bot.paths import PROJECT_ROOT

DATA = Path(__file__).resolve().parent.parent / "data"
# The shared folder sits beside the checkout (as in CI: a copy of shared/ next to the clone).
SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "bcp-commercieel-medewerker-binnendienst.txt"

# The 11 competencies exactly as the BCP names them, in profile order (the contract).
COMPETENCIES = (
    "Samenwerken en overleggen",
    "Presenteren",
    "Formuleren en rapporteren",
    "Op de behoeften en verwachtingen van de klant richten",
    "Instructies en procedures opvolgen",
    "Overtuigen en beïnvloeden",
    "Analyseren",
    "Plannen en organiseren",
    "Onderzoeken",
    "Ondernemend en commercieel handelen",
    "Vakdeskundigheid toepassen",
)
CODES = ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2", "3.3")

EXPECTED = to_plain(load_yaml(DATA / "profile_expected.yml"))
BROKEN = to_plain(load_yaml(DATA / "profile_broken_cases.yml"))["cases"]


@pytest.fixture(autouse=True)
def _real_content(monkeypatch):
    """Every test starts from the repository's own content, whatever the environment says."""
    monkeypatch.delenv("OEFENGESPREK_CONTENT_DIR", raising=False)


@pytest.fixture()
def profile() -> Profile:
    return load_profile()


# ---------------------------------------------------------------- counts and names

def test_counts(profile):
    assert len(profile.kerntaken) == 3
    assert len(profile.werkprocessen) == 12
    assert len(profile.competencies) == 11


def test_exact_competency_names_in_profile_order(profile):
    assert competency_names() == COMPETENCIES
    assert tuple(c.name for c in profile.competencies) == COMPETENCIES


def test_exact_werkproces_codes_in_order(profile):
    assert tuple(w.code for w in profile.werkprocessen) == CODES
    assert werkproces_codes() == CODES


def test_kerntaken_titles(profile):
    assert [(k.code, k.title) for k in profile.kerntaken] == [
        (1, "Onderzoekt de markt en maakt plannen"),
        (2, "Voert het verkooptraject uit"),
        (3, "Bouwt relaties op en onderhoudt ze"),
    ]
    assert [w.code for w in profile.werkprocessen_of(1)] == ["1.1", "1.2"]
    assert [w.code for w in profile.werkprocessen_of("3")] == ["3.1", "3.2", "3.3"]


@pytest.mark.parametrize("code", CODES)
def test_every_werkproces_is_complete(profile, code):
    werkproces = profile.werkproces(code)
    assert werkproces.code == code
    assert werkproces.title.strip()
    assert werkproces.omschrijving.startswith(
        ("De commercieel medewerker binnendienst ",)
    ), werkproces.omschrijving[:60]
    assert len(werkproces.omschrijving) > 250
    assert werkproces.competencies and werkproces.resultaat
    assert werkproces.vakkennis.kennis and werkproces.vakkennis.vaardigheden
    assert set(werkproces.competencies) <= set(COMPETENCIES)


@pytest.mark.parametrize("code", CODES)
def test_werkproces_matches_source_transcription(profile, code):
    """Title, kerntaak and competencies (in source order) as the BCP gives them."""
    expected = EXPECTED["werkprocessen"][code]
    werkproces = profile.werkproces(code)
    assert werkproces.title == expected["title"]
    assert werkproces.kerntaak == expected["kerntaak"]
    assert list(werkproces.competencies) == expected["competencies"]
    assert [
        len(werkproces.resultaat), len(werkproces.vakkennis.kennis), len(werkproces.vakkennis.vaardigheden)
    ] == EXPECTED["counts"][code]


def test_every_competency_is_used_and_linked(profile):
    for name in COMPETENCIES:
        using = [w.code for w in profile.werkprocessen_using(name)]
        assert using, name
        assert all(name in profile.werkproces(code).competencies for code in using)
    assert [w.code for w in profile.werkprocessen_using("Onderzoeken")] == ["1.1"]
    assert [w.code for w in profile.werkprocessen_using("Vakdeskundigheid toepassen")] == ["3.2", "3.3"]


def test_source_gives_no_competency_descriptions_so_none_are_invented(profile):
    for competency in profile.competencies:
        assert competency.shl_code is None
        assert competency.omschrijving is None


# ---------------------------------------------------------------- faithful spot checks

def test_spot_checks_of_source_text(profile):
    w23 = profile.werkproces("2.3")
    assert w23.title_overzicht == "Verkoopt producten/diensten"
    assert "speelt in op koop- en weerstandssignalen van de klant, sluit de verkoop" in w23.omschrijving
    assert w23.vakkennis.vaardigheden[0] == "Koop- en weerstandssignalen herkennen en er op reageren"
    assert w23.resultaat[1] == "De klant is aangestuurd op een verkoop- en/of offertemoment."

    w25 = profile.werkproces("2.5")
    assert (
        "Tijdens de onderhandeling worden de marges van de onderhandelingsruimte niet overschreden."
        in w25.resultaat
    )
    assert w25.omschrijving.startswith(
        "De commercieel medewerker binnendienst onderhandelt (binnen marges) met de klant over condities"
    )

    w31 = profile.werkproces("3.1")
    assert (
        "toont begrip voor de klant en stelt vragen aan de klant om de oorzaak en/of "
        "ontevredenheid te achterhalen" in w31.omschrijving
    )
    assert w31.vakkennis.kennis[0] == (
        "Wet- en regelgeving en organisatiespecifieke afspraken en protocollen ten aanzien van klachtafhandeling"
    )

    # 2.6 is split over two PDF columns; the text must read on without the column break.
    assert (
        "In veel gevallen zal echter het accountmanagement het probleem en/of de oplossing met de "
        "klant bespreken." in profile.werkproces("2.6").omschrijving
    )
    # paragraphs of the source are kept as paragraphs
    assert profile.werkproces("2.4").omschrijving.count("\n") == 3


def test_beroep_and_source_details(profile):
    beroep = profile.beroep
    assert beroep.naam == "Commercieel medewerker binnendienst"
    assert beroep.bron.vastgesteld_door == "Sectorraad Commercieel"
    assert beroep.bron.vastgesteld_op == "30 september 2010"
    assert beroep.bron.vastgesteld_te == "Amersfoort"
    assert "Inside Sales Representative" in beroep.functiebenamingen
    assert len(beroep.functiebenamingen) == 7
    rol = beroep.onderdeel("Rol en verantwoordelijkheden")
    assert rol.passages[0].tekst.startswith("De commercieel medewerker binnendienst heeft een uitvoerende rol.")
    assert "‘schakelfunctie’" in rol.passages[0].tekst
    assert beroep.onderdeel("Werkomgeving").passages[0].tekst.endswith("zit meestal op de afdeling Verkoop.")
    with pytest.raises(KeyError):
        beroep.onderdeel("Salaris")


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _in_source(sentence: str, source: str) -> bool:
    """Whitespace-insensitive; one break allowed where the PDF's two columns interleave."""
    squeezed = re.sub(r"\s+", "", sentence)
    if squeezed in source:
        return True
    return any(
        squeezed[:i] in source and squeezed[i:] in source for i in range(4, len(squeezed) - 3)
    )


@pytest.mark.skipif(not SEED.exists(), reason="the BCP source text is not on this machine")
def test_every_sentence_comes_from_the_source(profile):
    source = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    data = profile.to_json()
    for part in ("competencies", "kerntaken", "werkprocessen", "beroep", "toelichting"):
        for text in _strings(data[part]):
            if re.fullmatch(r"\d\.\d", text):
                continue  # codes
            for sentence in re.split(r"(?<=[.?!])\s+|\n", text):
                assert not sentence or _in_source(sentence, source), f"{part}: {sentence!r}"


# Source lines that are headings or page furniture, not content (chapter 1 onwards).
_SOURCE_HEADINGS = re.compile(
    r"(\d(\.\d)? .*|Kerntaak.*|Beschrijving werkproces:|Competenties.*:|Resultaat:|Vakkennis en .*"
    r"|Kennis van:?|Vaardighe.*:|BCP Commercieel medewerker binnendienst 2010 .*|http\S+"
    r"|In dit hoofdstuk .*|kenmerkend voor het beroep\.|beschreven\. Daarnaast .*"
    r"|resultaten die een werkproces moet opleveren)"
)


@pytest.mark.skipif(not SEED.exists(), reason="the BCP source text is not on this machine")
def test_nothing_of_the_source_is_left_out(profile):
    """Every content line of the source from hoofdstuk 1 on is somewhere in the profile."""
    ours = "".join(re.sub(r"\s+", "", text) for text in _strings(profile.to_json()))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "1 Algemene informatie over het beroep")
    left_out = []
    for number, line in enumerate(lines[start:], start + 1):
        text = line.strip().removeprefix("- ").removeprefix("Bron: ")
        if len(text) < 3 or _SOURCE_HEADINGS.fullmatch(text):
            continue
        if re.sub(r"\s+", "", text) not in ours:
            left_out.append(f"{number}: {text}")
    assert not left_out, "\n".join(left_out)


# ---------------------------------------------------------------- API

def test_lookups_and_errors(profile):
    assert profile.competency("Analyseren").name == "Analyseren"
    with pytest.raises(KeyError):
        profile.competency("analyseren")  # exact names only
    with pytest.raises(KeyError):
        profile.werkproces("4.1")
    assert profile.kerntaak("2").title == "Voert het verkooptraject uit"
    with pytest.raises(KeyError):
        profile.kerntaak(7)


def test_loaded_once_per_process():
    assert load_profile() is load_profile()


def test_to_json_is_plain_and_complete(profile):
    data = profile.to_json()
    assert json.loads(json.dumps(data)) == data
    assert [k["werkprocessen"] for k in data["kerntaken"]] == [
        ["1.1", "1.2"], ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"], ["3.1", "3.2", "3.3"]
    ]
    assert [c["name"] for c in data["competencies"]] == list(COMPETENCIES)


# ---------------------------------------------------------------- CLI

def _check_json_output(text: str) -> None:
    data = json.loads(text)
    assert set(data) == {"beroep", "toelichting", "kerntaken", "werkprocessen", "competencies"}
    assert [w["code"] for w in data["werkprocessen"]] == list(CODES)
    for werkproces in data["werkprocessen"]:
        for key in ("title", "kerntaak", "omschrijving", "competencies", "resultaat", "vakkennis"):
            assert werkproces[key], (werkproces["code"], key)
    assert [c["name"] for c in data["competencies"]] == list(COMPETENCIES)
    assert "beïnvloeden" in text and "\\u00ef" not in text  # UTF-8, not ASCII-escaped


def test_cli_json(capsys):
    assert cli.main(["profile", "--json"]) == 0
    _check_json_output(capsys.readouterr().out)


def test_cli_json_as_subprocess_in_plain_c_locale():
    env = {k: v for k, v in os.environ.items() if k not in ("OEFENGESPREK_CONTENT_DIR", "PYTHONIOENCODING")}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "profile", "--json"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    _check_json_output(result.stdout.decode("utf-8"))


def test_cli_outline(capsys):
    assert cli.main(["profile"]) == 0
    out = capsys.readouterr().out
    assert "Kerntaak 2: Voert het verkooptraject uit" in out
    assert "  2.3 Verkoopt producten en/of diensten" in out
    assert "Vastgesteld door de Sectorraad Commercieel op 30 september 2010 te Amersfoort." in out
    assert "  - Onderzoeken (werkprocessen 1.1)" in out


def test_cli_single_werkproces(capsys):
    assert cli.main(["profile", "--werkproces", "2.5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Werkproces 2.5 Onderhandelt met de klant\n")
    assert "Onderhandelingsmethodieken c.q. -technieken" in out
    assert cli.main(["profile", "--werkproces", "2.5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == "2.5"
    assert cli.main(["profile", "--werkproces", "9.9"]) == 1
    assert "onbekend werkproces '9.9'" in capsys.readouterr().err


# ---------------------------------------------------------------- broken copies

def _copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "profile", root / "profile")
    return root


def _nth(text: str, needle: str, occurrence: int) -> int:
    position = -1
    for _ in range(occurrence):
        position = text.find(needle, position + 1)
        assert position >= 0, f"{needle!r} occurs fewer than {occurrence} times"
    return position


def _break(root: Path, case: dict) -> int | None:
    """Apply the case to the copy; return the line the error must name."""
    path = root / "profile" / case["file"]
    if case.get("delete"):
        path.unlink()
        return None
    text = path.read_text(encoding="utf-8")
    start = _nth(text, case["replace"], case.get("occurrence", 1))
    text = text[:start] + case["with"] + text[start + len(case["replace"]):]
    path.write_text(text, encoding="utf-8")
    if case["at"] is None:
        return None
    return text[: _nth(text, case["at"], case.get("at_occurrence", 1))].count("\n") + 1


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=c["xfail"], strict=True)) if c.get("xfail") else c
        for c in BROKEN
    ],
    ids=[c["id"] for c in BROKEN],
)
def test_broken_profile_copy(tmp_path, monkeypatch, capsys, case):
    root = _copy_content(tmp_path)
    line = _break(root, case)
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(root))
    with pytest.raises(ContentErrors) as caught:
        load_profile()
    shown = [str(e) for e in caught.value.errors]
    where = f"profile/{case['file']}:{line}: " if line else f"profile/{case['file']}: "
    assert any(s.startswith(where) and case["message"] in s for s in shown), "\n".join(shown)

    # the command prints the same errors, one per line, to stderr and exits 1
    assert cli.main(["profile", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == shown


def test_errors_from_several_files_come_together(tmp_path, monkeypatch):
    root = _copy_content(tmp_path)
    for case_id in ("unknown-competency-in-werkproces", "bad-shl-code", "extra-kerntaak"):
        _break(root, next(c for c in BROKEN if c["id"] == case_id))
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(root))
    with pytest.raises(ContentErrors) as caught:
        load_profile()
    files = {e.path for e in caught.value.errors}
    assert files == {"profile/werkprocessen.yml", "profile/competenties.yml", "profile/kerntaken.yml"}
    assert all(e.line for e in caught.value.errors)


def test_repaired_copy_loads_again(tmp_path, monkeypatch):
    """A failed load is not cached: fixing the file and loading again works."""
    root = _copy_content(tmp_path)
    original = (root / "profile" / "competenties.yml").read_text(encoding="utf-8")
    _break(root, next(c for c in BROKEN if c["id"] == "bad-shl-code"))
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(root))
    with pytest.raises(ContentErrors):
        load_profile()
    (root / "profile" / "competenties.yml").write_text(original, encoding="utf-8")
    assert load_profile().competency_names() == COMPETENCIES
    clear_cache()


def test_decomposed_unicode_name_is_accepted(tmp_path, monkeypatch):
    """'ï' typed as 'i' + combining diaeresis (as some editors save it) is the same name."""
    root = _copy_content(tmp_path)
    path = root / "profile" / "competenties.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("beïnvloeden", "bei\u0308nvloeden"), encoding="utf-8"
    )
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(root))
    assert load_profile().competency_names() == COMPETENCIES


# ---------------------------------------------------------------- profile/ is data only

def test_profile_folder_holds_only_yaml():
    files = [p.name for p in (PROJECT_ROOT / "profile").iterdir()]
    assert files and all(name.endswith(".yml") for name in files), files


def test_stdlib_cprofile_still_imports_from_repo_root():
    result = subprocess.run(
        [sys.executable, "-c", "import cProfile, profile; print(profile.__file__)"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent != PROJECT_ROOT / "profile"
    assert Path(result.stdout.strip()).name == "profile.py"
