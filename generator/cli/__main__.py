"""``python -m generator.cli``: the statusgen command."""

from generator.cli import main

main()
