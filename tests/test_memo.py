"""The description memo of statusgen serve (generator/output/memo.py): reused only for equal inputs."""

from __future__ import annotations

from dataclasses import dataclass

from generator.output.memo import Memo


@dataclass(frozen=True)
class Value:
    text: str


class ByIdentity:
    pass


def test_a_result_is_reused_only_while_its_inputs_are_equal() -> None:
    memo, made = Memo(), []

    def make(text: str) -> str:
        made.append(text)
        return text.upper()

    assert memo.get("page", (Value("a"), {"n": 1}), lambda: make("a")) == "A"
    assert memo.get("page", (Value("a"), {"n": 1}), lambda: make("again")) == "A", "equal inputs, new objects"
    assert memo.get("page", (Value("b"), {"n": 1}), lambda: make("b")) == "B"
    assert memo.get("page", (Value("b"), {"n": 2}), lambda: make("c")) == "C"
    assert made == ["a", "b", "c"]


def test_inputs_that_compare_by_identity_are_made_again() -> None:
    memo, made = Memo(), []
    for _ in range(2):
        memo.get("page", ByIdentity(), lambda: made.append(1))
    assert made == [1, 1]
