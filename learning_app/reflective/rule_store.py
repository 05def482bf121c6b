"""The rules in force: the newest saved version, or the defaults in ``data/rules.yaml``."""

from __future__ import annotations

import copy
import functools
from typing import Any

import yaml
from sqlalchemy import select

from learning_app.accounts.models import User
from learning_app.core import audit
from learning_app.extensions import db
from learning_app.reflective.models import RuleSet
from learning_app.reflective.rules import DEFAULT_RULES_PATH, Rules, parse_rules


def default_document() -> dict[str, Any]:
    """The default rules document (a copy: callers may change it)."""
    return copy.deepcopy(_default_document())


@functools.cache
def _default_document() -> dict[str, Any]:
    # Read once per process: the file ships with the code, and parsing it takes 25 ms.
    with DEFAULT_RULES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def latest_rule_set() -> RuleSet | None:
    return db.session.scalar(select(RuleSet).order_by(RuleSet.id.desc()).limit(1))


def current_document() -> dict[str, Any]:
    """The rules document in force, as stored (or the defaults when none is saved)."""
    latest = latest_rule_set()
    return latest.document if latest is not None else default_document()


def current_rules() -> Rules:
    """The rules in force. A stored version was valid when saved, so this does not fail."""
    return parse_rules(current_document())


def save_rules(
    actor: User | None,
    document: dict[str, Any],
    summary: str,
    known_skills: set[str] | None = None,
) -> RuleSet:
    """Save a new version of the rules; ``RulesError`` names every problem, nothing saved."""
    parse_rules(document, known_skills)
    rule_set = RuleSet(document=document, changed_by=actor, change_summary=summary[:200])
    db.session.add(rule_set)
    db.session.flush()
    audit.record(actor, "reflective_rules.save", rule_set, detail={"summary": summary[:200]})
    return rule_set
