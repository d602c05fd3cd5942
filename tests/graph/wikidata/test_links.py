"""The entities without a Wikidata item: listed, never guessed."""

from __future__ import annotations

import csv

import pyoxigraph as ox

from cybertreaty.graph.wikidata import missing_links
from cybertreaty.paths import data_dir


def test_entities_without_an_item_are_listed(graph_store: ox.Store) -> None:
    missing = missing_links(graph_store)
    by_id = {link.id: link for link in missing}
    assert {"five-eyes", "unodc", "uncc", "cets-185"} <= set(by_id)
    assert by_id["five-eyes"].kind == "Organisation" and by_id["five-eyes"].label == "Five Eyes"
    assert by_id["uncc"].kind == "Treaty"
    assert not [link for link in missing if link.kind == "State"], "every State has an item"
    assert missing == sorted(missing, key=lambda link: (link.kind, link.id))


def test_the_list_is_the_complement_of_the_curated_links(graph_store: ox.Store) -> None:
    with (data_dir() / "wikidata_links.csv").open(encoding="utf-8") as handle:
        linked = {row["entity"] for row in csv.DictReader(handle) if row["relation"] == "same-as"}
    with (data_dir() / "organisations.csv").open(encoding="utf-8") as handle:
        organisations = {row["id"] for row in csv.DictReader(handle)}
    missing = {link.id for link in missing_links(graph_store) if link.kind == "Organisation"}
    assert missing == organisations - linked
