"""Retention of case references (DESIGN.md 5.3, DOMAIN.md (e)).

A case reference is kept for 12 months after the observation (or case event) closes,
then cleared. ``flask retention run`` does it; run it daily.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from learning_app.core import audit
from learning_app.extensions import Base, db
from learning_app.observations.models import Observation
from learning_app.profiles.calculation import months_before

CASE_REFERENCE_RETENTION_MONTHS = 12


def clear_expired_case_references(today: date) -> int:
    """Clear the case reference of every observation closed more than 12 months before
    ``today``; return how many were cleared.

    Writes one ``retention.case_references_cleared`` audit event (with the count and
    the cut-off date), even when there was nothing to clear, so the log shows the job
    ran. Flushes; never commits.
    """
    return clear_case_references_closed_before(
        Observation, "observations", months_before(today, CASE_REFERENCE_RETENTION_MONTHS)
    )


def clear_case_references_closed_before(model: type[Base], object_type: str, cutoff: date) -> int:
    """Clear ``case_reference`` on every row of ``model`` whose ``closed_on`` is before
    ``cutoff``; audited as ``retention.case_references_cleared`` on ``object_type`` (even
    when there was nothing to clear). Flushes; never commits."""
    result = db.session.execute(
        update(model)
        .where(model.closed_on < cutoff, model.case_reference.is_not(None))
        .values(case_reference=None)
        .execution_options(synchronize_session="evaluate")
    )
    count = result.rowcount or 0
    audit.record(
        None,
        "retention.case_references_cleared",
        object_type=object_type,
        detail={"count": count, "closed_before": cutoff.isoformat()},
    )
    db.session.flush()
    return count
