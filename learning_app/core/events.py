"""Signals between domains, so that dependencies keep pointing one way.

Evidence (self-assessments, observations) lives below profiles: evidence services send
``evidence_changed`` and the profiles package, which subscribes, brings the stored
profiles up to date in the same transaction. Organisation and user changes send
``practitioners_changed`` for the analytics rollups.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# sender: the practitioner (User) whose evidence changed;
# keyword ``skill_slugs``: the skills affected (None means every skill).
evidence_changed = signals.signal("evidence-changed")

# sender: the user who joined or left the practitioners of some teams (moved, deactivated,
# reactivated, or given or losing the practitioner role); keyword ``team_ids``: those teams.
# The analytics rollups, which count each team's active practitioners, subscribe.
practitioners_changed = signals.signal("practitioners-changed")
