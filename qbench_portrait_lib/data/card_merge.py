"""Generated blocks of the dataset card, and merging a new card into one edited on the Hub.

Every section the export writes sits between two HTML comments (invisible on the Hub)::

    <!-- qbench-portrait:generated description -->
    ## Description ...
    <!-- /qbench-portrait:generated description -->

``merge_card(existing, generated)`` keeps everything a user wrote outside those blocks and
every YAML key the export does not write; it replaces the generated YAML keys and the
generated blocks, appends generated blocks the existing card lacks, and drops generated
blocks the export no longer writes.

>>> old = "---\\nlicense: other\\nextra: mine\\n---\\n\\nMy intro.\\n\\n" + mark("a", "old a") + "\\n"
>>> new = "---\\nlicense: other\\n---\\n\\n" + mark("a", "new a") + "\\n\\n" + mark("b", "b") + "\\n"
>>> print(merge_card(old, new))
---
license: other
extra: mine
---
<BLANKLINE>
My intro.
<BLANKLINE>
<!-- qbench-portrait:generated a -->
new a
<!-- /qbench-portrait:generated a -->
<BLANKLINE>
<!-- qbench-portrait:generated b -->
b
<!-- /qbench-portrait:generated b -->
<BLANKLINE>
"""

from __future__ import annotations

import re

import yaml

_BLOCK = re.compile(
    r"<!-- qbench-portrait:generated (?P<name>[\w.-]+) -->\n.*?<!-- /qbench-portrait:generated (?P=name) -->",
    flags=re.DOTALL,
)


def mark(name: str, text: str) -> str:
    """``text`` between the begin and end comments of the generated block ``name``."""
    begin, end = f"<!-- qbench-portrait:generated {name} -->", f"<!-- /qbench-portrait:generated {name} -->"
    return f"{begin}\n{text.strip()}\n{end}"


def split_card(text: str) -> tuple[str, str]:
    """(YAML header without its ``---`` lines, body); the header is "" when the card has none."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end == -1:
            raise ValueError("the card opens a YAML header with '---' but never closes it")
        return text[4 : end + 1], text[end + 5 :]
    return "", text


def generated_blocks(body: str) -> dict[str, str]:
    """The generated blocks of ``body`` by name, in order."""
    return {match.group("name"): match.group(0) for match in _BLOCK.finditer(body)}


def _merge_yaml(existing: str, generated: str) -> str:
    old = yaml.safe_load(existing) or {} if existing.strip() else {}
    new = yaml.safe_load(generated) or {}
    if not isinstance(old, dict):
        raise ValueError(f"the existing card's YAML header is not a mapping: {existing[:80]!r}")
    kept = {key: value for key, value in old.items() if key not in new}
    if not kept:
        return generated
    return generated.rstrip("\n") + "\n" + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True)


def merge_card(existing: str, generated: str) -> str:
    """``generated``'s YAML keys and blocks merged into ``existing`` (see the module docstring)."""
    old_yaml, old_body = split_card(existing)
    new_yaml, new_body = split_card(generated)
    fresh = generated_blocks(new_body)
    kept_names = set(generated_blocks(old_body))

    def replace(match: re.Match[str]) -> str:
        return fresh.get(match.group("name"), "")

    body = _BLOCK.sub(replace, old_body).strip("\n")
    missing = [block for name, block in fresh.items() if name not in kept_names]
    body = "\n\n".join(part for part in (body, *missing) if part)
    return f"---\n{_merge_yaml(old_yaml, new_yaml).rstrip()}\n---\n\n{body}\n"
