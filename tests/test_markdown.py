"""Plain text of content Markdown: what JSON bodies, feed summaries and tooltips say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.content.markdown import to_text

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


@given(st.lists(WORD, min_size=2, max_size=6), st.sampled_from(["\n", "  \n", "\\\n"]))
def test_a_line_break_inside_a_paragraph_separates_words(words: list[str], newline: str) -> None:
    """Soft and hard breaks in a paragraph become one space: 'line one\\nline two' never reads 'oneline'."""
    assert to_text(newline.join(words)) == " ".join(words)


def test_paragraphs_and_code_stay_apart() -> None:
    assert to_text("First *line*\nsecond `code`.\n\nNext paragraph.") == "First line second code.\n\nNext paragraph."
