"""The service's settings: one frozen, typed table.

Every field has a default, a help text and an environment variable ``CYBERTREATY_<NAME>``. Values
are read once (command-line overrides > environment > default), cast to the field's type and
validated; an error names the setting and its variable. ``SETTINGS`` lists the table for the README
and for the test that checks every setting is documented.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "CYBERTREATY_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"setting {name} ({ENV_PREFIX}{name.upper()}): {reason}")


def _help(text: str) -> dict[str, str]:
    # The help text lives in the field's metadata, so the table documents itself.
    return {"help": text}


def _default_workers() -> int:
    # More workers than CPUs, as a threaded server has more threads: a few slow queries then share
    # the CPUs with quick ones instead of making them queue (measured in bench/sparql_endpoint.py).
    return min(16, max(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    host: str = field(default="127.0.0.1", metadata=_help("Interface the server listens on."))
    port: int = field(default=8000, metadata=_help("TCP port the server listens on (0 picks a free port)."))
    store: Path = field(
        default=Path("build/store"),
        metadata=_help("Directory of the pyoxigraph store written by `cybertreaty build`; opened read-only."),
    )
    endpoint: str | None = field(
        default=None,
        metadata=_help(
            "Query URL of an external SPARQL 1.1 engine. When set, it is used instead of the embedded store."
        ),
    )
    update_endpoint: str | None = field(
        default=None,
        metadata=_help("Update URL of the external engine (needed for updates when `endpoint` is set)."),
    )
    update_dir: Path | None = field(
        default=None,
        metadata=_help(
            "Directory where accepted updates to the embedded store are kept, one immutable generation "
            "per update; the built store itself is never written. Needed for updates on the embedded store."
        ),
    )
    base_iri: str = field(
        default="https://w3id.org/cybertreaty/", metadata=_help("Base IRI of the graph's own resources.")
    )
    public_url: str | None = field(
        default=None,
        metadata=_help(
            "Public URL of the /sparql endpoint when served behind a proxy; by default sd:endpoint is the "
            "URL of the request."
        ),
    )
    query_timeout: float = field(
        default=10.0, metadata=_help("Seconds a query may run before it is stopped (503).")
    )
    max_query_memory: int = field(
        default=2_000_000_000,
        metadata=_help(
            "Bytes a query worker may allocate beyond the store it shares (its address space is capped); "
            "a query that needs more is stopped (503) and its worker replaced. 0: no limit."
        ),
    )
    update_timeout: float = field(
        default=120.0,
        metadata=_help("Seconds an update (including its SHACL validation) may run before it is stopped."),
    )
    validation_timeout: float = field(
        default=30.0,
        metadata=_help("Seconds POST /validate may spend checking one upload before it is stopped (503)."),
    )
    max_result_rows: int = field(
        default=10_000,
        metadata=_help(
            "Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; longer results are cut and "
            "flagged with the header X-SPARQL-Truncated: true."
        ),
    )
    max_result_bytes: int = field(
        default=50_000_000,
        metadata=_help(
            "Largest query result body: a SELECT result is cut at the last row that fits, a CONSTRUCT "
            "or DESCRIBE result at the last triple whose terms fit, and flagged like a cut at "
            "max_result_rows (a single value can be huge: a row cap alone does not bound the size)."
        ),
    )
    max_body_bytes: int = field(
        default=10_000_000, metadata=_help("Largest request body accepted (413 beyond).")
    )
    max_concurrent_queries: int = field(
        default=16, metadata=_help("Queries running or waiting for a worker at once; more get 503 at once.")
    )
    max_concurrent_validations: int = field(
        default=2,
        metadata=_help(
            "Uploads that POST /validate checks at once (each costs up to seconds of CPU and a copy of "
            "the upload's graph in the server process); more get 503 at once."
        ),
    )
    update_token: str | None = field(
        default=None,
        metadata=_help("Bearer token that enables SPARQL Update and Graph Store writes; unset = read-only."),
    )
    service_allowlist: tuple[str, ...] = field(
        default=(),
        metadata=_help(
            "Comma-separated endpoint IRIs a query may call with SERVICE (and LOAD may read); "
            "everything else is refused and the server makes no outbound request."
        ),
    )
    in_memory: bool = field(
        default=True,
        metadata=_help(
            "The embedded store is copied into memory once at start-up and shared by all query workers "
            "(forked from the process holding it): most queries run 2-4x faster, for about 0.5 GB and "
            "10 s of start-up per million triples; false reads from disk."
        ),
    )
    workers: int = field(
        default=_default_workers(),
        metadata=_help(
            "Query worker processes for the embedded store: how many queries are evaluated at once "
            "(each worker can be killed at the time limit and is replaced at once)."
        ),
    )

    def __post_init__(self) -> None:
        _validate(self)

    def __repr__(self) -> str:
        # The update token is a secret: never print it in logs or tracebacks.
        shown = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if shown["update_token"] is not None:
            shown["update_token"] = "***"
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def updates_enabled(self) -> bool:
        return self.update_token is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default: ``os.environ``) with ``overrides`` taking precedence.

        Overrides whose value is None are ignored, so a CLI can pass its options unconditionally.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for info in SETTINGS:
            if overrides.get(info.name) is not None:
                values[info.name] = _cast(info, overrides[info.name])
            elif info.env in env:
                values[info.name] = _cast(info, env[info.env])
        unknown = set(overrides) - {info.name for info in SETTINGS}
        if unknown:
            raise SettingsError(sorted(unknown)[0], "no such setting")
        return cls(**values)


@dataclass(frozen=True)
class SettingInfo:
    """One row of the settings table."""

    name: str
    env: str
    type: str
    default: Any
    help: str
    kind: Any


def _type_name(kind: Any) -> str:
    names = {str: "text", int: "integer", float: "number", Path: "path", bool: "boolean"}
    if typing.get_origin(kind) is tuple:
        return "comma-separated list"
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if args:
        return names.get(args[0], str(args[0])) + " (optional)"
    return names.get(kind, str(kind))


def _settings_table() -> tuple[SettingInfo, ...]:
    hints = typing.get_type_hints(Settings)
    return tuple(
        SettingInfo(
            name=f.name,
            env=ENV_PREFIX + f.name.upper(),
            type=_type_name(hints[f.name]),
            default=f.default,
            help=f.metadata["help"],
            kind=hints[f.name],
        )
        for f in dataclasses.fields(Settings)
    )


def _cast(info: SettingInfo, raw: Any) -> Any:
    kind = info.kind
    optional = isinstance(kind, types.UnionType) and type(None) in typing.get_args(kind)
    if optional:
        if isinstance(raw, str) and raw.strip() == "":
            return None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if typing.get_origin(kind) is tuple:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(s.strip() for s in items if str(s).strip())
    if not isinstance(raw, str):
        return raw
    if kind is bool:
        return _boolean(info, raw)
    try:
        return kind(raw.strip())
    except ValueError:
        raise SettingsError(info.name, f"{raw!r} is not a valid {_type_name(kind)}") from None


def _boolean(info: SettingInfo, raw: str) -> bool:
    word = raw.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise SettingsError(info.name, f"{raw!r} is not a valid boolean (true/false, yes/no, on/off, 1/0)")


def _check_url(name: str, value: str | None) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(name, f"{value!r} is not an absolute http(s) URL")


def _check_types(s: Settings) -> None:
    for info in SETTINGS:
        value = getattr(s, info.name)
        kind = info.kind
        allowed = typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)
        allowed = tuple(typing.get_origin(a) or a for a in allowed)
        if float in allowed and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise SettingsError(info.name, f"expected {info.type}, got {value!r}")


def _validate(s: Settings) -> None:
    _check_types(s)
    if not 0 <= s.port <= 65535:
        raise SettingsError("port", f"{s.port} is not a TCP port")
    for name in ("query_timeout", "update_timeout", "validation_timeout"):
        if getattr(s, name) <= 0:
            raise SettingsError(name, "must be greater than 0")
    at_least_one = (
        "max_result_rows",
        "max_result_bytes",
        "max_body_bytes",
        "max_concurrent_queries",
        "workers",
    )
    for name in at_least_one:
        if getattr(s, name) < 1:
            raise SettingsError(name, "must be at least 1")
    if s.max_query_memory < 0:
        raise SettingsError("max_query_memory", "must be 0 (no limit) or more")
    for name in ("endpoint", "update_endpoint", "public_url"):
        _check_url(name, getattr(s, name))
    for iri in s.service_allowlist:
        _check_url("service_allowlist", iri)
    if not s.base_iri.endswith(("/", "#")):
        raise SettingsError("base_iri", f"{s.base_iri!r} must end with / or #")
    if s.update_token is not None and len(s.update_token) < 16:
        raise SettingsError("update_token", "must be at least 16 characters")


SETTINGS: tuple[SettingInfo, ...] = _settings_table()


def settings_markdown() -> str:
    """The settings table as Markdown, for the README."""
    lines = ["| setting | environment variable | type | default | what it does |", "|---|---|---|---|---|"]
    for info in SETTINGS:
        default = "" if info.default in (None, ()) else f"`{info.default}`"
        if info.name == "workers":
            default = "min(16, max(8, CPUs))"
        lines.append(f"| `{info.name}` | `{info.env}` | {info.type} | {default} | {info.help} |")
    return "\n".join(lines) + "\n"
