"""Retention of case references (DESIGN.md 5.3, DOMAIN.md (e)).

A case reference is kept for 12 months after the observation closes, then cleared.
``flask retention run`` does it; run it daily.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from learning_app.core import audit
from learning_app.extensions import db
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
    cutoff = months_before(today, CASE_REFERENCE_RETENTION_MONTHS)
    result = db.session.execute(
        update(Observation)
        .where(Observation.closed_on < cutoff, Observation.case_reference.is_not(None))
        .values(case_reference=None)
        .execution_options(synchronize_session="evaluate")
    )
    count = result.rowcount or 0
    audit.record(
        None,
        "retention.case_references_cleared",
        object_type="observations",
        detail={"count": count, "closed_before": cutoff.isoformat()},
    )
    db.session.flush()
    return count
