"""Korean particles chosen from the word they follow (`grader.messages.particles`), and no hedged particle such as
`이(가)` left in any Korean message."""

from __future__ import annotations

import re

import pytest

from grader.messages import CATALOGUE, Either, say
from grader.messages.particles import particle


@pytest.mark.parametrize(
    ("word", "kind", "expected"),
    [
        ("mnist", "이", "가"),
        ("fashion-mnist", "으로", "로"),
        ("`model.pt`", "을", "를"),
        ("submission.ipynb", "을", "를"),
        ("김철수", "은", "는"),
        ("학생", "으로", "으로"),
        ("서울", "으로", "로"),
        ("model", "은", "은"),
        ("learning", "을", "을"),
        ("10", "이", "이"),
        ("2", "과", "와"),
        ("load_weights(path)", "이", "가"),
        ("grader-sandbox", "로", "로"),
    ],
)
def test_the_particle_follows_the_word_as_it_is_said(word: str, kind: str, expected: str) -> None:
    assert particle(word, kind) == expected


def test_no_korean_message_hedges_its_particles() -> None:
    hedged = re.compile(r"이\(가\)|은\(는\)|을\(를\)|과\(와\)|와\(과\)|\(으\)로")
    found = [key for key in CATALOGUE if hedged.search(CATALOGUE[key].ko)]
    assert found == []


def test_a_template_chooses_the_particle_and_either_is_worded_per_language() -> None:
    either = Either(("submission.py", "submission.ipynb"))
    missing = say("submission.none", accepted=either, folder="cho", found="homework2.pdf")
    assert missing.render("ko") == "cho/ 에 submission.py 또는 submission.ipynb가 없습니다 (homework2.pdf)"
    assert missing.render("en") == "no submission.py or submission.ipynb in cho/ (homework2.pdf)"
    assert "학생이 이 제출물을" in say("cluster.unusable", host="학생", error="x").render("ko")
    assert "mnist가 이 제출물을" in say("cluster.unusable", host="mnist", error="x").render("ko")
