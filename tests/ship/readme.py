"""The README's container commands, read from README.md so the tests run what users read."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


def commands(block: str) -> list[list[str]]:
    """Each line's command(s), comments dropped, `a && b` split into two."""
    found: list[list[str]] = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            found.append(words[:cut])
            words = words[cut + 1:]
    return found


def inline(text: str, starts: str) -> list[str]:
    """The words of the first inline code span (`...`) that starts with `starts`."""
    for span in re.findall(r"`([^`\n]+)`", text):
        if span.startswith(starts):
            return shlex.split(span)
    raise AssertionError(f"README: no `{starts} ...` in the section")


def container_section() -> str:
    return section("Run in a container: docker and docker-compose")


def docker_commands() -> list[list[str]]:
    """The first bash block of the container section: plain `docker` commands."""
    return commands(blocks(container_section(), "bash")[0])


def compose_commands() -> list[list[str]]:
    """The second bash block: `docker compose` commands."""
    return commands(blocks(container_section(), "bash")[1])


def own_scenarios_compose() -> str:
    """The compose snippet of the scenarios section that mounts the user's own directory."""
    snippet = [b for b in blocks(section("Scenarios: misbehaving on purpose"), "yaml")
               if "EMULATOR_SCENARIOS_DIR" in b]
    assert len(snippet) == 1, "README: one compose snippet with EMULATOR_SCENARIOS_DIR"
    return snippet[0]
