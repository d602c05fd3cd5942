"""The W3C SPARQL 1.1 Protocol and Service Description test cases, transcribed as data.

Source: the w3c/rdf-tests repository, sparql/sparql11/protocol/manifest.ttl (34 mf:ProtocolTest)
and sparql/sparql11/service-description/manifest.ttl (3 mf:ServiceDescriptionTest), read at
commit ad541a5f0479f0798608c4801369d97b8e08b36f (2026-08-07). Each case keeps the manifest's local
name, its mf:name, its ut:graphData and, per ht:Request, the method, the absolute path (which
starts with /sparql/, to be rewritten to our endpoint), the headers, the body as cnt:chars with its
cnt:characterEncoding, and the expected response: status classes (2 = 2xx, ...), result format
("boolean", "tabular" or "RDF") and boolean. See README.md beside this file for the licence.
"""

# ruff: noqa: E501  (request paths and bodies are transcribed verbatim)

from __future__ import annotations

from dataclasses import dataclass

KASEI = "http://kasei.us/2009/09/sparql/data/"


@dataclass(frozen=True)
class GraphData:
    """A named graph the test needs: its name (the manifest's rdfs:label) and its file in data/."""

    name: str
    file: str


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    body_encoding: str = "UTF-8"
    expected_status: tuple[int, ...] = (2, 3)
    expected_format: str | None = None
    expected_boolean: bool | None = None


@dataclass(frozen=True)
class ProtocolCase:
    name: str
    title: str
    requests: tuple[Request, ...]
    graph_data: tuple[GraphData, ...] = ()

    @property
    def is_update(self) -> bool:
        """Whether any request of the case is a SPARQL Update (or claims to be one)."""
        return self.name.startswith(("update_", "bad_update_", "bad_multiple_updates"))


@dataclass(frozen=True)
class ServiceDescriptionCase:
    name: str
    title: str


# Every graph the protocol cases name, preloaded under its original IRI (there is no network here).
# data0.rdf has no file in the suite: the cases that name it use ASK {}, true on any dataset.
KASEI_GRAPHS = (
    GraphData(KASEI + "data1.rdf", "data1.nt"),
    GraphData(KASEI + "data2.rdf", "data2.nt"),
    GraphData(KASEI + "data3.rdf", "data3.nt"),
)

SERVICE_DESCRIPTION_CASES = (
    ServiceDescriptionCase(
        "has-endpoint-triple", "Service description contains a matching sd:endpoint triple"
    ),
    ServiceDescriptionCase("returns-rdf", "GET on endpoint returns RDF"),
    ServiceDescriptionCase("conforms-to-schema", "Service description conforms to schema"),
)

PROTOCOL_CASES = (
    ProtocolCase(
        name="query_post_form",
        title="query via URL-encoded POST",
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/x-www-form-urlencoded"),),
                body="query=ASK%20%7B%7D",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_dataset_default_graphs_get",
        title="GET query with protocol-specified default graph",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
        ),
        requests=(
            Request(
                method="GET",
                path="/sparql/?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20.%20%7D&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_dataset_default_graphs_post",
        title="POST query with protocol-specified default graphs",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
        ),
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_dataset_named_graphs_post",
        title="POST query with protocol-specified named graphs",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
        ),
        requests=(
            Request(
                method="POST",
                path="/sparql/?named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_dataset_named_graphs_get",
        title="GET query with protocol-specified named graphs",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
        ),
        requests=(
            Request(
                method="GET",
                path="/sparql/?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_dataset_full",
        title="query with protocol-specified dataset (both named and default graphs)",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data3.rdf", "data3.nt"),
        ),
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "  <http://kasei.us/2009/09/sparql/data/data3.rdf> a ?type\n"
                    "  GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type }\n"
                    "  GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_multiple_dataset",
        title="query specifying dataset in both query string and protocol; test for use of protocol-specified dataset",
        graph_data=(
            GraphData("http://kasei.us/2009/09/sparql/data/data1.rdf", "data1.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data2.rdf", "data2.nt"),
            GraphData("http://kasei.us/2009/09/sparql/data/data3.rdf", "data3.nt"),
        ),
        requests=(
            Request(
                method="POST",
                path="/sparql/?named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_get",
        title="query via GET",
        requests=(
            Request(
                method="GET",
                path="/sparql/?query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_content_type_select",
        title="query appropriate content type (expect one of: XML, JSON, CSV, TSV)",
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="SELECT (1 AS ?value) {}",
                expected_status=(2, 3),
                expected_format="tabular",
            ),
        ),
    ),
    ProtocolCase(
        name="query_content_type_ask",
        title="query appropriate content type (expect one of: XML, JSON)",
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="ASK {}",
                expected_status=(2, 3),
                expected_format="boolean",
            ),
        ),
    ),
    ProtocolCase(
        name="query_content_type_describe",
        title="query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)",
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="DESCRIBE <http://example.org/>",
                expected_status=(2, 3),
                expected_format="RDF",
            ),
        ),
    ),
    ProtocolCase(
        name="query_content_type_construct",
        title="query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)",
        requests=(
            Request(
                method="POST",
                path="/sparql/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/sparql-query"),),
                body="CONSTRUCT { <s> <p> 1 } WHERE {}",
                expected_status=(2, 3),
                expected_format="RDF",
            ),
        ),
    ),
    ProtocolCase(
        name="update_dataset_default_graph",
        title="update with protocol-specified default graph",
        requests=(
            Request(
                method="POST",
                path="/sparql/?using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "PREFIX dc: <http://purl.org/dc/terms/>\n"
                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
                    "CLEAR ALL ;\n"
                    "INSERT DATA {\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> {\n"
                    "        <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document\n"
                    "    }\n"
                    "} ;\n"
                    "INSERT {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-test/> {\n"
                    "        ?s a dc:BibliographicResource\n"
                    "    }\n"
                    "}\n"
                    "WHERE {\n"
                    "    ?s a foaf:Document\n"
                    "}"
                ),
                expected_status=(2, 3),
            ),
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-test/> {\n"
                    "        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource>\n"
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="update_dataset_default_graphs",
        title="update with protocol-specified default graphs",
        requests=(
            Request(
                method="POST",
                path="/sparql/?using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "PREFIX dc: <http://purl.org/dc/terms/>\n"
                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
                    "DROP ALL ;\n"
                    "INSERT DATA {\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }\n"
                    "} ;\n"
                    "INSERT {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n"
                    "        ?s a dc:BibliographicResource\n"
                    "    }\n"
                    "}\n"
                    "WHERE {\n"
                    "    ?s a foaf:Document\n"
                    "}"
                ),
                expected_status=(2, 3),
            ),
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n"
                    "        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "        <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "    }\n"
                    "    FILTER NOT EXISTS {\n"
                    "        GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n"
                    "            <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "        }\n"
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="update_dataset_named_graphs",
        title="update with protocol-specified named graphs",
        requests=(
            Request(
                method="POST",
                path="/sparql/?using-named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&using-named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "PREFIX dc: <http://purl.org/dc/terms/>\n"
                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
                    "DROP ALL ;\n"
                    "INSERT DATA {\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }\n"
                    "} ;\n"
                    "INSERT {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n"
                    "        ?s a dc:BibliographicResource\n"
                    "    }\n"
                    "}\n"
                    "WHERE {\n"
                    "    GRAPH ?g {\n"
                    "        ?s a foaf:Document\n"
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
            ),
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n"
                    "        <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "        <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "    }\n"
                    "    FILTER NOT EXISTS {\n"
                    "        GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n"
                    "            <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://purl.org/dc/terms/BibliographicResource> .\n"
                    "        }\n"
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="update_dataset_full",
        title="update with protocol-specified dataset (both named and default graphs)",
        requests=(
            Request(
                method="POST",
                path="/sparql/?using-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf&using-named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "PREFIX dc: <http://purl.org/dc/terms/>\n"
                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
                    "DROP ALL ;\n"
                    "INSERT DATA {\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a foaf:Document }\n"
                    "    GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a foaf:Document }\n"
                    "} ;\n"
                    "INSERT {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n"
                    "        ?s <http://example.org/in> ?in\n"
                    "    }\n"
                    "}\n"
                    "WHERE {\n"
                    "    {\n"
                    "        GRAPH ?g { ?s a foaf:Document }\n"
                    "        BIND(?g AS ?in)\n"
                    "    }\n"
                    "    UNION\n"
                    "    {\n"
                    "        ?s a foaf:Document .\n"
                    '        BIND("default" AS ?in)\n'
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
            ),
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "    GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n"
                    '        <http://kasei.us/2009/09/sparql/data/data1.rdf> <http://example.org/in> "default" .\n'
                    "        <http://kasei.us/2009/09/sparql/data/data2.rdf> <http://example.org/in> <http://kasei.us/2009/09/sparql/data/data2.rdf> .\n"
                    "    }\n"
                    "    FILTER NOT EXISTS {\n"
                    "        GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n"
                    "            <http://kasei.us/2009/09/sparql/data/data3.rdf> ?p ?o\n"
                    "        }\n"
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="update_post_form",
        title="update via URL-encoded POST",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/x-www-form-urlencoded"),),
                body="update=CLEAR+ALL",
                expected_status=(2, 3),
            ),
        ),
    ),
    ProtocolCase(
        name="update_post_direct",
        title="update via POST directly",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-update"),),
                body="CLEAR ALL",
                expected_status=(2, 3),
            ),
        ),
    ),
    ProtocolCase(
        name="update_base_uri",
        title='test for service-defined BASE URI ("which MAY be the service endpoint")',
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
                    "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }"
                ),
                expected_status=(2, 3),
            ),
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body=(
                    "ASK {\n"
                    "    GRAPH <http://example.org/protocol-base-test/> {\n"
                    "        <http://example.org/s> <http://example.org/p> ?o\n"
                    '        FILTER (isIRI(?o) && STR(?o) != "test")\n'
                    "    }\n"
                    "}"
                ),
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="query_post_direct",
        title="query via POST directly",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query"),),
                body="ASK {}",
                expected_status=(2, 3),
                expected_format="boolean",
                expected_boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_method",
        title="invoke query operation with a method other than GET or POST",
        requests=(
            Request(
                method="PUT",
                path="/sparql/?query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
                headers=(("content-type", "application/x-www-form-urlencoded"),),
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_multiple_queries",
        title="invoke query operation with more than one query string",
        requests=(
            Request(
                method="GET",
                path="/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_wrong_media_type",
        title="invoke query operation with a POST with media type that's not url-encoded or application/sparql-query",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "text/plain"),),
                body="ASK {}",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_missing_form_type",
        title="invoke query operation with url-encoded body, but without application/x-www-form-urlencoded media type",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                body="query=ASK%20%7B%7D",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_missing_direct_type",
        title="invoke query operation with SPARQL body, but without application/sparql-query media type",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                body="ASK {}",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_non_utf8",
        title="invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-query; charset=UTF-16"),),
                body="ASK {}",
                body_encoding="UTF-16",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_query_syntax",
        title="invoke query operation with invalid query syntax (4XX result)",
        requests=(
            Request(
                method="GET",
                path="/sparql/?query=ASK%20%7B",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_get",
        title="invoke update operation with GET",
        requests=(
            Request(
                method="GET",
                path="/sparql/?update=CLEAR%20ALL",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_multiple_updates",
        title="invoke update operation with more than one update string",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/x-www-form-urlencoded"),),
                body="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_wrong_media_type",
        title="invoke update operation with a POST with media type that's not url-encoded or application/sparql-update",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "text/plain"),),
                body="CLEAR NAMED",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_missing_form_type",
        title="invoke update operation with url-encoded body, but without application/x-www-form-urlencoded media type",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                body="update=CLEAR%20NAMED",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_non_utf8",
        title="invoke update operation with direct POST, but with a non-UTF8 encoding",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/sparql-update; charset=UTF-16"),),
                body="CLEAR NAMED",
                body_encoding="UTF-16",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_syntax",
        title="invoke update operation with invalid update syntax",
        requests=(
            Request(
                method="POST",
                path="/sparql/",
                headers=(("content-type", "application/x-www-form-urlencoded"),),
                body="update=CLEAR%20XYZ",
                expected_status=(4,),
            ),
        ),
    ),
    ProtocolCase(
        name="bad_update_dataset_conflict",
        title="invoke update with both using-graph-uri/using-named-graph-uri parameter and USING/WITH clause",
        requests=(
            Request(
                method="POST",
                path="/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
                headers=(("content-type", "application/sparql-update"),),
                body=(
                    "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\n"
                    "WITH <http://example/addresses>\n"
                    "DELETE { ?person foaf:givenName 'Bill' }\n"
                    "INSERT { ?person foaf:givenName 'William' }\n"
                    "WHERE {\n"
                    "    ?person foaf:givenName 'Bill'\n"
                    "}"
                ),
                expected_status=(4,),
            ),
        ),
    ),
)
