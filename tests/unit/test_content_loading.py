"""The shared content loader: YAML with line numbers, validation errors with file:line."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from bot.content import ContentErrors, line_of, load_yaml, validate


class Product(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    prijs: float


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rol: Literal["klant", "leverancier"]
    producten: list[Product]


def write(tmp_path, text: str):
    path = tmp_path / "catalogus.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lines_are_remembered_for_mappings_keys_and_items(tmp_path):
    path = write(tmp_path, "rol: klant\nproducten:\n  - id: a\n    prijs: 1\n  - id: b\n    prijs: 2\n")
    data = load_yaml(path)
    assert line_of(data, "producten") == 2
    assert line_of(data["producten"], 1) == 5
    assert line_of(data["producten"][1], "prijs") == 6


def test_validation_error_names_file_line_and_field_in_dutch(tmp_path):
    path = write(tmp_path, "rol: klant\nproducten:\n  - id: a\n    prijs: 1\n  - id: b\n    prijs: duur\n")
    with pytest.raises(ContentErrors) as caught:
        validate(Catalogue, load_yaml(path), path)
    (error,) = caught.value.errors
    assert error.line == 6
    assert error.path.endswith("catalogus.yml")
    assert "producten.1.prijs" in error.message and "getal" in error.message


def test_unknown_field_and_bad_literal_are_reported_together(tmp_path):
    path = write(tmp_path, "rol: koper\nproducten:\n  - id: a\n    prijs: 1\n    kleur: rood\n")
    with pytest.raises(ContentErrors) as caught:
        validate(Catalogue, load_yaml(path), path)
    messages = {e.line: e.message for e in caught.value.errors}
    assert "ongeldige waarde" in messages[1]
    assert "onbekend veld" in messages[5]


def test_yaml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, "rol: klant\nproducten: [\n  - id: a\n")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    assert caught.value.errors[0].line is not None
    assert "ongeldige YAML" in caught.value.errors[0].message


def test_duplicate_key_is_an_error(tmp_path):
    path = write(tmp_path, "rol: klant\nrol: leverancier\nproducten: []\n")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    assert caught.value.errors[0].line == 2
    assert "twee keer" in caught.value.errors[0].message


def test_missing_file_is_a_content_error(tmp_path):
    with pytest.raises(ContentErrors) as caught:
        load_yaml(tmp_path / "bestaat-niet.yml")
    assert "niet gevonden" in str(caught.value)


def test_unknown_key_with_a_list_value_is_reported_at_the_key(tmp_path):
    path = write(tmp_path, "rol: klant\nproducten: []\nextra:\n  - een\n  - twee\n")
    with pytest.raises(ContentErrors) as caught:
        validate(Catalogue, load_yaml(path), path)
    (error,) = caught.value.errors
    assert error.line == 3 and "onbekend veld" in error.message
