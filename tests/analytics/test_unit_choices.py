"""A wide scope's unit filter lists regions and PDUs, and the teams of the PDU in view."""

from __future__ import annotations

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment


def test_a_region_of_many_teams_lists_only_the_teams_of_the_pdu_in_view(
    client, factories, published_framework
) -> None:
    region = factories.region("North")
    pdus = [factories.pdu(region, f"PDU {i:02}") for i in range(11)]
    teams = {
        pdu.id: [factories.team(pdu, f"{pdu.name} team {j}") for j in range(10)] for pdu in pdus
    }
    leader = factories.user(role=Role.LEADER, scope=region, grade=Grade.OTHER)
    client.sign_in(leader.email)

    def options(url: str) -> list[str]:
        page = client.get_page(url)
        return [o.text for o in page.soup.select("#unit option")]

    wide = options("/analytics/")
    assert wide[:3] == ["All the units you look after", "North (region)", "PDU 00 (PDU)"]
    assert not any("team" in o for o in wide) and len(wide) == 13
    first = pdus[0]
    narrowed = options(f"/analytics/?unit=pdu-{first.id}")
    assert [o for o in narrowed if "team" in o] == [t.label for t in teams[first.id]]
    team = teams[pdus[3].id][2]
    in_team = options(f"/analytics/?unit=team-{team.id}")
    assert {o for o in in_team if "team" in o} == {t.label for t in teams[pdus[3].id]}
    # A team not listed can still be bookmarked: it is in scope.
    client.get_page(f"/analytics/?unit=team-{teams[pdus[5].id][0].id}")
    oversight = [
        o.text for o in client.get_page("/analytics/oversight/").soup.select("#unit option")
    ]
    assert len(oversight) == 13


def test_the_teams_of_a_scope_read_as_ids_are_those_of_the_scope(
    db_session, factories, published_framework
) -> None:
    from learning_app.org.units import scope_team_ids, unit_scope

    north, south = factories.region("North"), factories.region("South")
    in_north = [factories.team(factories.pdu(north, f"N{i}"), f"North {i}") for i in range(3)]
    south_pdu, other_pdu = factories.pdu(south, "S1"), factories.pdu(south, "S2")
    in_south = factories.team(south_pdu, "South 1")
    factories.team(other_pdu, "South 2")
    leader = factories.user(role=Role.LEADER, scope=north, grade=Grade.OTHER)
    leader.role_assignments.append(RoleAssignment(role=Role.LEADER, pdu=south_pdu))
    lead = factories.user(role=Role.LD_LEAD, scope=other_pdu, grade=Grade.OTHER)
    db_session.flush()
    expected = {t.id for t in in_north} | {in_south.id}
    assert scope_team_ids(leader, Role.LEADER) == expected
    assert unit_scope(leader, Role.LEADER).team_ids() == expected
    # Only the roles asked about count.
    assert scope_team_ids(lead, Role.LEADER) == set()
    assert scope_team_ids(lead, Role.LD_LEAD) == unit_scope(lead, Role.LD_LEAD).team_ids()
