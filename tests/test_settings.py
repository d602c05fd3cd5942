"""The settings table: defaults, environment variables, validation that names the key, docs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cybertreaty.settings import SETTINGS, Settings, SettingsError, settings_markdown


def test_defaults() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.store) == ("127.0.0.1", 8000, Path("build/store"))
    assert settings.query_timeout == 10.0 and settings.update_token is None and not settings.updates_enabled
    assert settings.service_allowlist == () and settings.endpoint is None


def test_environment_and_overrides() -> None:
    env = {
        "CYBERTREATY_PORT": "9000",
        "CYBERTREATY_QUERY_TIMEOUT": "2.5",
        "CYBERTREATY_STORE": "/data/store",
        "CYBERTREATY_SERVICE_ALLOWLIST": "https://query.wikidata.org/sparql, https://dbpedia.org/sparql",
        "CYBERTREATY_UPDATE_TOKEN": "s3cret-s3cret-s3cret",
        "CYBERTREATY_ENDPOINT": "",
        "CYBERTREATY_IN_MEMORY": "off",
    }
    settings = Settings.from_env(env, port=9100, host=None)
    assert settings.port == 9100  # the override wins; a None override is ignored
    assert settings.host == "127.0.0.1"
    assert settings.query_timeout == 2.5 and settings.store == Path("/data/store")
    assert settings.service_allowlist == ("https://query.wikidata.org/sparql", "https://dbpedia.org/sparql")
    assert settings.endpoint is None  # an empty variable unsets an optional setting
    assert settings.updates_enabled and settings.in_memory is False
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"CYBERTREATY_PORT": "eighty"}, "port"),
        ({"CYBERTREATY_PORT": "70000"}, "port"),
        ({"CYBERTREATY_QUERY_TIMEOUT": "0"}, "query_timeout"),
        ({"CYBERTREATY_WORKERS": "0"}, "workers"),
        ({"CYBERTREATY_MAX_QUERY_MEMORY": "-1"}, "max_query_memory"),
        ({"CYBERTREATY_MAX_QUERY_MEMORY": "2GB"}, "max_query_memory"),
        ({"CYBERTREATY_ENDPOINT": "ftp://example.org/sparql"}, "endpoint"),
        ({"CYBERTREATY_SERVICE_ALLOWLIST": "https://ok.example/sparql,not-a-url"}, "service_allowlist"),
        ({"CYBERTREATY_BASE_IRI": "https://example.org/base"}, "base_iri"),
        ({"CYBERTREATY_UPDATE_TOKEN": "short"}, "update_token"),
        ({"CYBERTREATY_IN_MEMORY": "maybe"}, "in_memory"),
    ],
)
def test_errors_name_the_setting(env: dict[str, str], key: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert caught.value.name == key
    assert f"CYBERTREATY_{key.upper()}" in str(caught.value)


def test_unknown_override_and_wrong_type() -> None:
    with pytest.raises(SettingsError, match="no such setting"):
        Settings.from_env({}, colour="blue")
    with pytest.raises(SettingsError, match="max_result_rows"):
        Settings(max_result_rows="many")  # type: ignore[arg-type]


def test_every_setting_is_documented() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    assert {info.name for info in SETTINGS} == names
    table = settings_markdown()
    for info in SETTINGS:
        assert info.help.strip() and info.env == f"CYBERTREATY_{info.name.upper()}"
        assert f"`{info.name}`" in table and f"`{info.env}`" in table


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]
