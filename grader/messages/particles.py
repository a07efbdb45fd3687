"""Korean particles chosen from the word they follow, as a Korean reader says it: `{file:을}` in a template is 을 or 를
for the value of `file` (`model.pt를`, `submission.ipynb를`), never the hedged `을(를)`.

A Hangul word is read from its last syllable. A word in Latin letters or digits is read as Korean speakers say it: a
final l (엘), m (엠), n (엔) or ng closes the word with a consonant (l with ㄹ); other letters end in a vowel (mnist:
엠니스트, model.pt: 피티); digits as their Korean names (1 일, 3 삼, 6 육, 7 칠, 8 팔, 0 영).
"""

from __future__ import annotations

HANGUL_FIRST, HANGUL_LAST, FINALS = 0xAC00, 0xD7A3, 28
RIEUL = 8
"""The final ㄹ, after which 으로 is 로."""
PAIRS = {
    "은": ("은", "는"),
    "는": ("은", "는"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
}
_DIGIT_FINALS = {"0": 21, "1": RIEUL, "3": 16, "6": 1, "7": RIEUL, "8": RIEUL}
_IGNORED = " \t`'\"()[]{}<>.,:;!?/\\-_*~"


def final_consonant(word: str) -> int:
    """The index of the final consonant the word ends with as spoken (0: it ends with a vowel)."""
    stripped = word.rstrip(_IGNORED) or word
    if not stripped:
        return 0
    last = stripped[-1]
    if HANGUL_FIRST <= ord(last) <= HANGUL_LAST:
        return (ord(last) - HANGUL_FIRST) % FINALS
    if last.isdigit():
        return _DIGIT_FINALS.get(last, 0)
    lowered = stripped.lower()
    if lowered.endswith("ng"):
        return 21
    return {"l": RIEUL, "m": 16, "n": 4}.get(lowered[-1], 0)


def particle(word: str, kind: str) -> str:
    """The particle of `kind` (either spelling: 은 or 는, 으로 or 로, ...) that follows `word`."""
    with_final, without = PAIRS[kind]
    final = final_consonant(word)
    if with_final == "으로":
        return without if final in (0, RIEUL) else with_final
    return with_final if final else without
