"""The OpenAPI 3.1 document of /api/v1, and the query parameters each endpoint takes.

The views check requests against ``ENDPOINTS`` (a parameter not listed is refused), and the
document is built from the same lists and from the analytics choices themselves, so the
two cannot drift apart; the tests validate every response against the schemas here.
"""

from __future__ import annotations

from typing import Any

from learning_app.accounts.constants import BAND_ORDER
from learning_app.analytics.heatmap import GRADES, GROUPINGS, METRICS

VERSION = "1.0.0"

PARAMETERS: dict[str, dict[str, Any]] = {
    "unit": {
        "description": "A unit the token's user looks after, as /units lists it. "
        "Leave it out for everything they look after.",
        "schema": {"type": "string", "pattern": "^(team|pdu|region)-[0-9]+$"},
    },
    "grouping": {
        "description": "What the heatmap's rows are. Left out: one level below the unit "
        "(a region by PDU, a PDU or a team by team; several regions by region, several PDUs "
        "by PDU).",
        "schema": {"type": "string", "enum": list(GROUPINGS)},
    },
    "metric": {
        "description": "The measure in every cell.",
        "schema": {"type": "string", "enum": list(METRICS), "default": "mean-gap"},
    },
    "grade": {
        "description": "Only practitioners of this grade.",
        "schema": {"type": "string", "enum": [g.value for g in GRADES]},
    },
    "band": {
        "description": "Only practitioners in this experience band.",
        "schema": {"type": "string", "enum": [b.value for b in BAND_ORDER]},
    },
    "period": {
        "description": "`live` for today, or a quarter with a snapshot, as /units lists them.",
        "schema": {"type": "string", "pattern": "^(live|[0-9]{4}-Q[1-4])$", "default": "live"},
    },
    "cycle": {
        "description": "A learning-analysis cycle's id, as /units lists them: the figures "
        "at the end of the quarter it closed in, or today's while it is open. Not with "
        "a different `period`.",
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
    },
    "sort": {
        "description": "Order the rows by this skill's column (a skill slug, or `all`); "
        "anything else orders them by name.",
        "schema": {"type": "string", "maxLength": 60},
    },
    "order": {
        "description": "The order of `sort`.",
        "schema": {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
    },
}

# path -> (operation id, summary, query parameters, response schema)
ENDPOINTS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "/units": (
        "units",
        "The units and snapshot periods the token's user can read",
        (),
        "Units",
    ),
    "/heatmap": (
        "heatmap",
        "A measure for each group of practitioners and each skill, suppressed as on screen",
        ("unit", "grouping", "metric", "grade", "band", "period", "cycle", "sort", "order"),
        "Heatmap",
    ),
    "/oversight": (
        "oversight",
        "Case-audit rates beside the inspectorate's, cycle completion, focus-campaign "
        "coverage, observer moderation, reflective discussions and feedback from people on "
        "probation (L&D leads and leaders)",
        ("unit",),
        "Oversight",
    ),
    "/trends": (
        "trends",
        "A measure for each skill over the quarters that have a snapshot",
        ("unit", "metric", "grade", "band"),
        "Trend",
    ),
}


def allowed_parameters(operation: str) -> frozenset[str]:
    return next(frozenset(p) for op, _s, p, _r in ENDPOINTS.values() if op == operation)


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _withheld() -> dict[str, Any]:
    return {"enum": [None, "fewer than 5", "hidden"], "description": "As the page says it."}


def _schemas() -> dict[str, Any]:
    view = {
        "unit": _nullable("string"),
        "unit_label": {"type": "string"},
        "metric": _ref("Metric"),
        "grade": _nullable("string"),
        "band": _nullable("string"),
        "suppressed": {
            "type": "boolean",
            "description": "False only when the user is the SPO of every team in view.",
        },
    }
    return {
        "Cell": _object(
            {
                "value": _nullable("number", description="Null when hidden or without data."),
                "n": _nullable("integer", description="How many people; null when hidden."),
                "suppressed": {
                    "enum": [None, "fewer than 5", "hidden"],
                    "description": "Why the figure is withheld, as the page says it.",
                },
            }
        ),
        "Metric": _object(
            {
                "key": {"type": "string", "enum": list(METRICS)},
                "label": {"type": "string"},
                "percent": {"type": "boolean"},
                "higher_is_worse": {"type": "boolean"},
            }
        ),
        "Period": _object(
            {
                "key": {"type": "string"},
                "label": {"type": "string"},
                "ends_on": _nullable("string", format="date"),
            }
        ),
        "Cycle": _object(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "opens_on": {"type": "string", "format": "date"},
                "closes_on": {"type": "string", "format": "date"},
            }
        ),
        "Row": _object(
            {
                "key": {"type": "string"},
                "label": {"type": "string"},
                "unit": _nullable("string", description="The unit to drill down into."),
                "cells": {
                    "type": "object",
                    "description": "One cell per skill slug, and `all` for all skills.",
                    "additionalProperties": _ref("Cell"),
                },
            }
        ),
        "Column": _object(
            {"slug": {"type": "string"}, "name": {"type": "string"}, "domain": {"type": "string"}}
        ),
        "Heatmap": _object(
            {
                **view,
                "grouping": {"type": "string", "enum": list(GROUPINGS)},
                "period": _ref("Period"),
                "cycle": {"oneOf": [{"type": "null"}, _ref("Cycle")]},
                "columns": {"type": "array", "items": _ref("Column")},
                "rows": {"type": "array", "items": _ref("Row")},
                "total": _ref("Row"),
            }
        ),
        "Trend": _object(
            {
                **view,
                "periods": {"type": "array", "items": _ref("Period")},
                "lines": {
                    "type": "array",
                    "items": _object(
                        {
                            "skill": {"type": "string"},
                            "name": {"type": "string"},
                            "figures": {
                                "type": "array",
                                "description": "One per period, in the order of `periods`.",
                                "items": _ref("Cell"),
                            },
                        }
                    ),
                },
            }
        ),
        "Units": _object(
            {
                "units": {
                    "type": "array",
                    "items": _object(
                        {
                            "key": {"type": "string"},
                            "label": {"type": "string"},
                            "kind": {"enum": ["team", "pdu", "region"]},
                        }
                    ),
                },
                "periods": {"type": "array", "items": _ref("Period")},
                "cycles": {"type": "array", "items": _ref("Cycle")},
            }
        ),
        "Oversight": _object(
            {
                "unit": _nullable("string"),
                "unit_label": {"type": "string"},
                "audits": {"type": "array", "items": _ref("AuditRates")},
                "cycles": {"type": "array", "items": _ref("CycleRow")},
                "campaigns": {"type": "array", "items": _ref("CampaignRow")},
                "observers": {"type": "array", "items": _ref("ObserverRow")},
                "discussions": {
                    "description": "Only when the token's user leads every team in view.",
                    "oneOf": [{"type": "null"}, _ref("Discussions")],
                },
                "feedback": {
                    "description": "Null when no questionnaire came in during the last year.",
                    "oneOf": [{"type": "null"}, _ref("Feedback")],
                },
            }
        ),
        "AuditRates": _object(
            {
                "type": {"type": "string"},
                "label": {"type": "string"},
                "quarters": {"type": "array", "items": {"type": "string"}},
                "audits": {
                    "type": "object",
                    "description": "Audits by quarter: a count of cases, always shown.",
                    "additionalProperties": {"type": "integer"},
                },
                "questions": {
                    "type": "array",
                    "items": _object(
                        {
                            "key": {"type": "string"},
                            "text": {"type": "string"},
                            "baselines": {
                                "type": "array",
                                "items": _object(
                                    {"percent": {"type": "integer"}, "source": {"type": "string"}}
                                ),
                            },
                            "rates": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "quarter": {"type": "string"},
                                        "yes": _nullable("integer"),
                                        "answered": _nullable("integer"),
                                        "percent": _nullable("integer"),
                                        "suppressed": _withheld(),
                                    }
                                ),
                            },
                        }
                    ),
                },
            }
        ),
        "CycleRow": _object(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "unit": {"type": "string"},
                "opens_on": {"type": "string", "format": "date"},
                "closes_on": {"type": "string", "format": "date"},
                "practitioners": _nullable("integer"),
                "submitted": _nullable("integer"),
                "percent": _nullable("integer"),
                "suppressed": _withheld(),
            }
        ),
        "CampaignRow": _object(
            {
                "id": {"type": "integer"},
                "skill": {"type": "string"},
                "unit": {"type": "string"},
                "starts_on": {"type": "string", "format": "date"},
                "ends_on": {"type": "string", "format": "date"},
                "practitioners": _nullable("integer"),
                "observed": _nullable("integer"),
                "percent": _nullable("integer"),
                "suppressed": _withheld(),
            }
        ),
        "ObserverRow": _object(
            {
                "name": {"type": "string"},
                "role": {"type": "string"},
                "ratings": {"type": "integer"},
                "mean": {"type": "number"},
                "unit_mean": {"type": "number"},
                "difference": {"type": "number"},
            }
        ),
        "Discussions": _object(
            {
                "with_cadence": {"type": "integer"},
                "covered": {"type": "integer"},
                "coverage_percent": _nullable("integer"),
                "overdue": {"type": "integer"},
                "at_risk": {"type": "integer"},
            }
        ),
        "FeedbackCell": _object(
            {
                "value": _nullable("number", description="% answering yes."),
                "n": _nullable("integer", description="How many answered."),
                "suppressed": {
                    "enum": [None, "too few", "hidden"],
                    "description": "Too few: under 10 answers or 5 practitioners.",
                },
            }
        ),
        "FeedbackRow": _object(
            {
                "key": {"type": "string"},
                "label": {"type": "string"},
                "cells": {
                    "type": "object",
                    "description": "`responses` (questionnaires) and one cell per question.",
                    "additionalProperties": _ref("FeedbackCell"),
                },
            }
        ),
        "Feedback": _object(
            {
                "since": {"type": "string", "format": "date"},
                "questions": {
                    "type": "array",
                    "items": _object({"key": {"type": "string"}, "text": {"type": "string"}}),
                },
                "rows": {"type": "array", "items": _ref("FeedbackRow")},
                "total": _ref("FeedbackRow"),
            }
        ),
        "Problem": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": _object(
                        {"parameter": {"type": "string"}, "message": {"type": "string"}}
                    ),
                },
            },
            "required": ["type", "title", "status", "detail"],
            "additionalProperties": False,
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


def _operation(operation: str, summary: str, parameters: tuple[str, ...], schema: str):
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "parameters": [
                {"name": name, "in": "query", "required": False, **PARAMETERS[name]}
                for name in parameters
            ],
            "responses": {
                "200": {
                    "description": "The figures, as the page shows them.",
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                "400": _problem("A parameter is not one of the choices, or is not known."),
                "401": _problem("No token, or one that is wrong, expired or revoked."),
                "404": _problem("The unit is not one the token's user looks after."),
                "429": _problem("Too many requests with this token: wait a minute."),
            },
        }
    }


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {path: _operation(*endpoint) for path, endpoint in ENDPOINTS.items()}
    paths["/openapi.json"] = {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {"description": "The OpenAPI document.", "content": {"application/json": {}}}
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Practice Learning API",
            "version": VERSION,
            "description": "Read-only learning analysis for BI tools. Ask an admin for a "
            "token; it reads what its user can read on the analysis pages, with the same "
            "suppression of small groups.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
    }
