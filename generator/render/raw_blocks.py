"""A Python-Markdown extension: HTML that statusgen made, set aside whole in a Markdown page.

A Markdown page (the internal site's metrics, at 2,000 incidents a table of 1,250 rows) may carry HTML
statusgen made between two marker lines (:data:`generator.output.site.RAW_START` and ``RAW_END``).
Python-Markdown would parse every tag of such HTML to find where the block ends (as long as making
the table from Markdown), then pass it through unchanged; here the block is handed to its stash as it
is, so the page's headings stay Markdown (anchors, permalinks, table of contents) and the HTML costs
nothing. The markers cannot come from content: a Markdown page's values are inert text, their ``<``
a character reference. A start marker without its end is a statusgen bug and stops the build.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from generator.errors import StatusgenError
from generator.output.site import RAW_END, RAW_START


class RawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if RAW_START not in lines:
            return lines
        result: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == RAW_START:
                    block = []
                else:
                    result.append(line)
            elif line == RAW_END:
                result += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:
            raise StatusgenError(f"a Markdown page has {RAW_START} without {RAW_END}")
        return result


class RawBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # after whitespace is normalised (30), before raw HTML blocks are looked for (20)
        md.preprocessors.register(RawBlocks(md), "statusgen_raw_blocks", 25)


def makeExtension(**kwargs: object) -> RawBlocksExtension:  # noqa: N802 - Python-Markdown's name
    return RawBlocksExtension(**kwargs)
