"""The `#+ key: value` header of a `.rq` file, read the same strict way by every query loader.

The editor's examples, the REST API's registry and the Wikidata mappings all keep SPARQL in files
with such a header; each loader says which keys it allows and wraps HeaderError in its own error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_HEADER_LINE = re.compile(r"#\+\s*(?P<key>[A-Za-z_][\w-]*(?: [a-z_][a-z0-9_]*)?)\s*:\s*(?P<value>.*?)\s*$")


class HeaderError(ValueError):
    """What is wrong with a header, without the file name (the caller adds it)."""


def split_header(text: str, allowed: Callable[[str], bool], allowed_text: str) -> tuple[dict[str, str], str]:
    """The header lines as a dict, and the SPARQL after them (stripped, ending in a newline).

    Every header line must read `#+ key: value` with an allowed key, a value, and no key twice;
    a file with a header needs a query after it.
    """
    lines = text.splitlines()
    header: dict[str, str] = {}
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#+"):
            break
        count = number
        match = _HEADER_LINE.fullmatch(line)
        if match is None:
            raise HeaderError(f"line {number}: a header line reads '#+ key: value'")
        key, value = match["key"], match["value"]
        if not allowed(key):
            raise HeaderError(f"line {number}: unknown header key {key!r} (allowed: {allowed_text})")
        if key in header:
            raise HeaderError(f"line {number}: header key {key!r} given twice")
        if not value:
            raise HeaderError(f"line {number}: header key {key!r} has no value")
        header[key] = value
    body = "\n".join(lines[count:]).strip()
    if not body:
        raise HeaderError("the file has a header but no query")
    return header, body + "\n"
