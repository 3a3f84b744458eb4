"""Reading built HTML in tests with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser


class _Texts(HTMLParser):
    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls = cls
        self.depth = 0
        self.stack: list[bool] = []
        self.found: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "meta", "link", "input", "hr", "source", "wbr"):
            return
        classes = (dict(attrs).get("class") or "").split()
        hit = self.cls in classes
        self.stack.append(hit)
        if hit:
            self.depth += 1
            if self.depth == 1:
                self.found.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "meta", "link", "input", "hr", "source", "wbr") or not self.stack:
            return
        if self.stack.pop():
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1].append(data)


def texts(html: str, cls: str) -> list[str]:
    """The text of every element with class ``cls``, whitespace folded."""
    parser = _Texts(cls)
    parser.feed(html)
    return [" ".join("".join(parts).split()) for parts in parser.found]
