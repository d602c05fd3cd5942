"""The REST API's response models: every field described, with an example, so /docs is the reference.

The row model of each named query is generated from its header (``#+ column NAME: description``),
and the answers that combine several queries (a State's profile, a treaty's status) are built from
those row models, so a column is described once, in its ``.rq`` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.config import JsonDict

from cybertreaty.service.registry import Column, NamedQuery

BASE = "https://w3id.org/cybertreaty/"
IRI: JsonDict = {"format": "uri"}  # json_schema_extra of IRI-valued fields; JSON-LD makes them @id

# Examples for IRI columns, by the name the column most often has; others get a generic one.
_IRI_EXAMPLES = {
    "state": BASE + "id/state/VNM",
    "actor": BASE + "id/state/VNM",
    "instrument": BASE + "id/treaty/uncc",
    "treaty": BASE + "id/treaty/uncc",
    "organisation": BASE + "id/org/asean",
    "resolution": BASE + "id/resolution/a-res-74-247",
    "draft": BASE + "id/draft/a-c-3-74-l-11",
    "vote_event": BASE + "id/vote-event/unga-plenary-74-247",
    "vote": BASE + "id/vote/unga-plenary-74-247/VNM",
    "source": BASE + "id/source/newshour-2025-10-29",
    "sources": BASE + "id/source/newshour-2025-10-29",
    "place": BASE + "id/place/hanoi",
    "wikidata": "http://www.wikidata.org/entity/Q881",
}
_TYPE_EXAMPLES: dict[str, Any] = {
    "iri": BASE + "id/action/signature-VNM-uncc-2025-10-25",
    "text": "Viet Nam",
    "integer": 72,
    "boolean": False,
    "iris": [BASE + "id/source/untc-xviii-16"],
    "tokens": ["2025-10-25"],
    "texts": ["The sentence of the source that supports the claim."],
}
_PYTHON_TYPES: dict[str, Any] = {
    "iri": str,
    "text": str,
    "integer": int,
    "boolean": bool,
    "iris": list[str],
    "tokens": list[str],
    "texts": list[str],
}


def _example(column: Column) -> Any:
    if column.type in ("iri", "iris") and column.name in _IRI_EXAMPLES:
        example = _IRI_EXAMPLES[column.name]
        return [example] if column.is_list else example
    return _TYPE_EXAMPLES[column.type]


def _field(column: Column) -> tuple[Any, Any]:
    kind: Any = _PYTHON_TYPES[column.type]
    extra = IRI if column.type in ("iri", "iris") else None
    options: dict[str, Any] = {
        "description": column.description,
        "examples": [_example(column)],
        "json_schema_extra": extra,
    }
    if column.is_list:
        return kind, Field(default_factory=list, **options)
    if column.optional:
        return kind | None, Field(default=None, **options)
    return kind, Field(**options)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def row_model(query: NamedQuery) -> type[BaseModel]:
    fields: dict[str, Any] = {column.name: _field(column) for column in query.columns}
    model: type[BaseModel] = create_model(_camel(query.name) + "Row", __doc__=query.summary, **fields)
    return model


class Page(BaseModel):
    """A page of a named query's answer; the rows are in ``items``."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        description="The named query that answered (listed at /api/queries).", examples=["state"]
    )
    params: dict[str, str | None] = Field(
        description="The parameters as applied, defaults included; null where left out.",
        examples=[{"treaty": "uncc", "as_of": "2025-10-29"}],
    )
    total: int = Field(description="Rows in the whole answer.", examples=[5])
    offset: int = Field(description="Rows skipped before this page.", examples=[0])
    limit: int = Field(description="Most rows on a page.", examples=[100])
    truncated: bool = Field(
        description="True when the server's row limit cut the answer: `total` is then a lower bound.",
        examples=[False],
    )
    next: str | None = Field(
        description="URL of the next page; null on the last page.", examples=[None], json_schema_extra=IRI
    )
    previous: str | None = Field(
        description="URL of the previous page; null on the first page.",
        examples=[None],
        json_schema_extra=IRI,
    )


def page_model(query: NamedQuery, row: type[BaseModel]) -> type[BaseModel]:
    items: Any = (list[row], Field(description=f"The rows: {query.summary[0].lower()}{query.summary[1:]}."))  # type: ignore[valid-type]
    model: type[BaseModel] = create_model(_camel(query.name) + "Page", __base__=Page, items=items)
    return model


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (media type application/problem+json)."""

    type: str = Field(description="A URI for the kind of problem; about:blank means the HTTP status says it.")
    title: str = Field(description="The HTTP status phrase.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong, for a person.", examples=["There is no State with the code 'XYZ'."]
    )
    errors: list[ParameterProblem] | None = Field(
        default=None, description="For 422: each parameter that was not valid, and why."
    )
    suggestions: list[Suggestion] | None = Field(
        default=None, description="For 404 (and 422 on an unknown id): the closest existing entities."
    )


class ParameterProblem(BaseModel):
    parameter: str = Field(description="The parameter's name.", examples=["as_of"])
    location: str = Field(description="Where it was: path or query.", examples=["query"])
    detail: str = Field(description="Why it is not valid.", examples=["Input should be a valid date"])


class Suggestion(BaseModel):
    id: str = Field(description="The id to use instead.", examples=["VNM"])
    name: str = Field(description="What it names.", examples=["Viet Nam"])
    iri: str = Field(description="Its IRI.", examples=[BASE + "id/state/VNM"], json_schema_extra=IRI)
    score: int = Field(description="How well it matches, 0-100.", examples=[100])


class Candidate(BaseModel):
    id: str = Field(
        description="The curated id: an ISO 3166-1 alpha-3 code or an organisation id.", examples=["VNM"]
    )
    iri: str = Field(description="The entity's IRI.", examples=[BASE + "id/state/VNM"], json_schema_extra=IRI)
    name: str = Field(description="Its English label.", examples=["Vietnam"])
    type: str = Field(description="State or Organisation.", examples=["State"])
    score: int = Field(description="100 for an exact name, code, id or item; less for a similar name.")
    match: bool = Field(description="True when this is the one candidate that matches exactly.")
    matched: str = Field(description="What matched.", examples=['ISO 3166-1 alpha-2 "VN"'])
    api: str | None = Field(
        description="Its profile in this API (States) or null.", examples=["/api/states/VNM"]
    )
    page: str = Field(description="Its linked-data page on this server.", examples=["/id/state/VNM"])


class SearchResults(BaseModel):
    query: str = Field(description="The text searched for.", examples=["Viet Nam"])
    items: list[Candidate] = Field(description="The best candidates, best first.")


class QueryParamInfo(BaseModel):
    name: str = Field(description="The parameter's name.", examples=["as_of"])
    type: str = Field(description="Its type.", examples=["date"])
    required: bool = Field(description="Whether it must be given.")
    default: str | None = Field(description="Its default value, if any.", examples=[None])
    description: str = Field(description="What it does.")


class QueryInfo(BaseModel):
    name: str = Field(description="The named query's name (its .rq file).", examples=["signature-status"])
    summary: str = Field(description="The question it answers.")
    description: str = Field(description="How it answers it.")
    route: str = Field(description="Its route.", examples=["/api/treaties/{treaty}/signature-status"])
    example: str = Field(description="An example request.", examples=["/api/treaties/uncc/signature-status"])
    tags: list[str] = Field(description="Topics.")
    params: list[QueryParamInfo] = Field(description="Its parameters.")
    columns: dict[str, str] = Field(description="Its response columns and what each means.")
    sparql: str = Field(description="The SPARQL it runs (parameters are bound as RDF terms with VALUES).")


Problem.model_rebuild()


def _group(description: str, row: type[BaseModel]) -> Any:
    return (list[row], Field(default_factory=list, description=description))  # type: ignore[valid-type]


def state_profile_model(rows: Mapping[str, type[BaseModel]]) -> type[BaseModel]:
    """Everything about a State in one answer; each part is also its own route."""
    actions = rows["state-actions"]
    fields: dict[str, Any] = {
        "names": (rows["state"], Field(description="Names, codes, UN status and Wikidata items.")),
        "memberships": _group("The groupings it belongs to.", rows["state-memberships"]),
        "signatures": _group("Its signatures of treaties (any doubt is flagged in `doubts`).", actions),
        "non_signature_reports": _group(
            "Sources' claims that it had not signed, each with the date as of which it is made.", actions
        ),
        "consents": _group(
            "Its consents to be bound: ratifications, acceptances, approvals, accessions.", actions
        ),
        "domestic_steps": _group("Domestic approvals (a parliament's vote...): not a deposit.", actions),
        "sponsorships": _group("Drafts it sponsored or co-sponsored.", actions),
        "positions": _group("Positions it stated.", actions),
        "other_actions": _group("Its other actions (negotiation roles, ceremony hosting...).", actions),
        "votes": _group("How it voted in each recorded vote.", rows["state-votes"]),
        "links": (
            dict[str, str],
            Field(description="Where to read more: this API's parts and the linked-data page."),
        ),
    }
    model: type[BaseModel] = create_model(
        "StateProfile", __doc__="A State's profile, every fact with its sources.", **fields
    )
    return model


class EntryIntoForce(BaseModel):
    threshold: int | None = Field(description="Instruments needed (40 for the UN Convention).", examples=[40])
    counted: int = Field(
        description="Instruments of States deposited by `as_of` that no source doubts.", examples=[0]
    )
    uncertain: list[str] = Field(
        description="Actors whose consent only an unverified source claims, or is undated: not counted.",
        examples=[["QAT", "VNM"]],
    )
    not_counted_reio: list[str] = Field(
        description="Consents of regional economic integration organisations (the EU), which do not count in "
        "addition to their member States' when the treaty says so (article 65(1) of the UN Convention).",
        examples=[[]],
    )
    remaining: int | None = Field(description="Instruments still needed.", examples=[40])
    reio_counts_separately: bool | None = Field(description="Whether a REIO's instrument counts separately.")
    entered_into_force_on: str | None = Field(
        description="When it entered into force, if it has.", examples=[None]
    )
    summary: str = Field(description="The same in words.", examples=["0 of 40 instruments deposited"])


class SignatoryCount(BaseModel):
    named: int = Field(
        description="Signatories the graph names whose signature no source doubts.", examples=[72]
    )
    uncertain: int = Field(
        description="Actors whose signature is unverified or may be after `as_of`.", examples=[0]
    )
    reported: int | None = Field(
        description="The latest number of signatories a source reports (not doubted), by `as_of`.",
        examples=[72],
    )
    reported_as_of: str | None = Field(description="The date of that report.", examples=["2025-10-29"])
    reported_by: list[str] = Field(
        description="The sources of that report.",
        json_schema_extra=IRI,
        examples=[[BASE + "id/source/untc-xviii-16"]],
    )
    summary: str = Field(
        description="The same in words.", examples=["72 signatories reported, 72 named in the graph"]
    )


def treaty_status_model(rows: Mapping[str, type[BaseModel]]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "treaty": (str, Field(description="The treaty's IRI.", json_schema_extra=IRI)),
        "as_of": (str | None, Field(description="The date of the status; null: everything recorded.")),
        "facts": (rows["treaty"], Field(description="Titles, dates and the entry-into-force rule.")),
        "signatories": (
            SignatoryCount,
            Field(description="How many signed: named in the graph and reported."),
        ),
        "entry_into_force": (EntryIntoForce, Field(description="Progress toward entry into force.")),
        "signatory_list": _group("Who signed (signed or uncertain), with dates.", rows["signature-status"]),
        "parties": _group(
            "Who consented to be bound (party or uncertain), with dates.", rows["treaty-parties"]
        ),
        "reported_counts": _group(
            "Every count a source reports, with its date.", rows["treaty-reported-counts"]
        ),
        "links": (dict[str, str], Field(description="This API's routes for each part.")),
    }
    model: type[BaseModel] = create_model("TreatyStatus", __doc__="A treaty's status on a date.", **fields)
    return model


def jsonld_context(model: type[BaseModel], vocab: str) -> dict[str, Any]:
    """A JSON-LD context for answers of ``model``: keys are terms of ``vocab``, IRI fields are @id."""
    context: dict[str, Any] = {"@vocab": vocab}
    _iri_terms(model, context, set())
    return context


def _iri_terms(model: type[BaseModel], context: dict[str, Any], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        if info.json_schema_extra == IRI:
            context[name] = {"@type": "@id"}
        for nested in _models_in(info.annotation):
            _iri_terms(nested, context, seen)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]
