"""Importing users from a CSV file: the web pages, the CLI and the checks they share."""

from __future__ import annotations

import io
from datetime import date

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.admin import user_views
from learning_app.admin.user_import import (
    Directory,
    ImportProblem,
    Unit,
    parse,
    parse_date,
    validate,
)
from learning_app.core.audit import AuditEvent
from learning_app.org.models import TeamMembership
from learning_app.org.services import current_membership

IMPORT = "/admin/users/import"
CONFIRM = "/admin/users/import/confirm"
HEADER = "email,name,grade,team,started_on,qualified_on,roles"
TODAY = date(2025, 6, 1)


@pytest.fixture
def org(factories):
    region = factories.region("East Midlands")
    pdu = factories.pdu(region, "Leicester")
    other_pdu = factories.pdu(region, "Nottingham")
    north = factories.team(pdu, "City North")
    south = factories.team(pdu, "County South")
    # The same team name in another PDU: rows need a pdu column to say which.
    twin = factories.team(other_pdu, "Hub")
    hub = factories.team(pdu, "Hub")
    return {
        "region": region,
        "pdu": pdu,
        "other_pdu": other_pdu,
        "north": north,
        "south": south,
        "hub": hub,
        "twin": twin,
    }


@pytest.fixture
def admin_client(client, factories):
    admin = factories.admin(email="admin@example.test", name="Ada Admin")
    client.sign_in(admin.email)
    client.admin = admin
    return client


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


VALID = csv_bytes(
    "sam.smith@example.test,Sam Smith,PO,City North,2021-09-01,14/07/2023,",
    "ria.shah@example.test,Ria Shah,PQIP,County South,01/02/2024,,",
    "lee.spo@example.test,Lee Jones,SPO,City North,2015-04-20,2012-07-01,"
    "spo:City North;spo:County South",
)


def user_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(User))


def upload(client, data: bytes | None, filename: str = "users.csv"):
    fields = {} if data is None else {"file": (io.BytesIO(data), filename)}
    return client.submit(IMPORT, fields, content_type="multipart/form-data")


def payload_of(page) -> list[str]:
    return [i["value"] for i in page.soup.select('input[name="payload"]')]


def confirm(client, payload: list[str]):
    return client.submit(
        CONFIRM, {"payload": payload}, form_url=IMPORT, content_type="multipart/form-data"
    )


# The web pages ------------------------------------------------------------------------


def test_a_valid_file_is_checked_then_imported(admin_client, org, db_session):
    before = user_count(db_session)
    response = upload(admin_client, VALID)
    page = admin_client.page(response)
    assert response.status_code == 200
    assert page.h1.endswith("Check your import")
    assert "users.csv is ready to import: 3 users" in page.text
    assert page.table_rows("#import-summary") == [
        ["City North (Leicester)", "0", "1", "1", "2"],
        ["County South (Leicester)", "1", "0", "0", "1"],
    ]
    assert user_count(db_session) == before  # nothing yet

    response = confirm(admin_client, payload_of(page))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users/")
    assert "Imported 3 users" in admin_client.get_page("/admin/users/").text
    assert user_count(db_session) == before + 3

    sam = db_session.scalar(select(User).where(User.email == "sam.smith@example.test"))
    assert (sam.grade, sam.started_on, sam.qualified_on) == (
        Grade.PO,
        date(2021, 9, 1),
        date(2023, 7, 14),
    )
    assert sam.roles == {Role.PRACTITIONER}  # the default for practitioner grades
    assert sam.password_hash is None  # cannot sign in until an admin resets it
    membership = current_membership(sam)
    assert (membership.team_id, membership.started_on) == (org["north"].id, date(2021, 9, 1))
    assert sam.team_id == org["north"].id
    lee = db_session.scalar(select(User).where(User.email == "lee.spo@example.test"))
    assert {(a.role, a.team_id) for a in lee.role_assignments} == {
        ("spo", org["north"].id),
        ("spo", org["south"].id),
    }

    created = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).all()
    assert len(created) == 3
    assert {e.detail["via"] for e in created} == {"admin_import"}
    assert {e.actor_id for e in created} == {admin_client.admin.id}
    [whole] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.import"))
    assert whole.detail == {"via": "admin", "source": "users.csv", "count": 3}


def test_errors_in_rows_3_and_5_are_all_listed_and_nothing_is_written(
    admin_client, org, db_session
):
    before = user_count(db_session)
    data = csv_bytes(
        "ok.one@example.test,Ok One,PO,City North,2021-09-01,,",
        "bad.grade@example.test,Bad Grade,Manager,City North,2021-09-01,,",
        "ok.two@example.test,Ok Two,PSO,County South,2022-01-01,,",
        "bad.team@example.test,Bad Team,PO,Nowhere,2021-09-01,,",
        "ok.three@example.test,Ok Three,PO,City North,2021-09-01,,",
    )
    response = upload(admin_client, data)
    page = admin_client.page(response)
    assert page.title.startswith("Error: ")
    assert page.error_summary == [
        "The selected file has 2 problems. Fix them and upload the file again"
    ]
    assert page.table_rows("#import-problems") == [
        ["3", "grade", "Grade must be PSO, PQIP, PO, SPO or OTHER, not Manager"],
        ["5", "team", "There is no team called Nowhere"],
    ]
    assert payload_of(page) == []
    assert user_count(db_session) == before


def test_every_problem_in_a_row_is_listed(admin_client, org, db_session):
    factories_email = "exists@example.test"
    db_session.add(User(email=factories_email, name="Existing", grade=Grade.PO))
    db_session.flush()
    data = csv_bytes(
        "dup@example.test,Dup One,PO,City North,2021-09-01,,",
        "DUP@example.test,Dup Two,PO,City North,2021-09-01,,",
        "Exists@Example.test,,PSO,,31/02/2021,2020-01-01,spo",
    )
    page = admin_client.page(upload(admin_client, data))
    assert page.table_rows("#import-problems") == [
        ["3", "email", "dup@example.test is also in row 2"],
        ["4", "email", "A user with the email address exists@example.test already exists"],
        ["4", "name", "Enter a name"],
        ["4", "team", "Enter a team: PSO, PQIP and PO grades need one"],
        ["4", "started_on", "started_on must be a real date, like 2024-03-31 or 31/03/2024"],
        ["4", "qualified_on", "Leave qualified_on empty for PSO and PQIP grades"],
        ["4", "roles", "spo needs a team, like spo:Name"],
    ]


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (None, None, "Select a CSV file"),
        (b"", "users.csv", "The selected file is empty"),
        (b" \n\r\n  \n", "users.csv", "The selected file is empty"),
        (HEADER.encode() + b"\n\n", "users.csv", "The selected file has no users in it"),
        (VALID, "users.xlsx", "The selected file must be a CSV"),
        (b"PK\x03\x04 not really a zip", "users.csv", "The selected file is a spreadsheet"),
        ("email,name\r\n".encode("utf-16"), "users.csv", "is not a CSV file in UTF-8"),
        (
            b"email,name\na@example.test,A\n",
            "users.csv",
            "The file is missing these columns: grade, team, started_on",
        ),
        (
            csv_bytes(
                "a@example.test,A,PO,City North,2021-01-01,,,Al", header=HEADER + ",nickname"
            ),
            "users.csv",
            "The file has columns that are not allowed: nickname",
        ),
        (
            csv_bytes("a@example.test,A,PO,City North,2021-01-01,,", header=HEADER + ",email"),
            "users.csv",
            "These columns appear more than once: email",
        ),
        (
            b"email;name;grade;team;started_on\na@example.test;A;PO;City North;2021-01-01\n",
            "users.csv",
            "The columns must be separated by commas, not semicolons",
        ),
        (
            csv_bytes("a@example.test,A,PO,City North,2021-01-01,,", "z\xe9@example.test,Zo\xeb")
            .replace(b"\xc3\xa9", b"\xe9")
            .replace(b"\xc3\xab", b"\xeb"),
            "users.csv",
            "Row 3 has characters that are not UTF-8",
        ),
    ],
    ids=[
        "no file",
        "empty",
        "blank lines only",
        "header only",
        "wrong extension",
        "spreadsheet",
        "utf-16",
        "missing columns",
        "unknown column",
        "repeated column",
        "semicolons",
        "not utf-8",
    ],
)
def test_bad_files_get_a_clear_error(admin_client, org, db_session, data, filename, message):
    before = user_count(db_session)
    if filename is None:
        response = upload(admin_client, None)
    else:
        response = upload(admin_client, data, filename)
    assert response.status_code == 200
    page = admin_client.page(response)
    assert page.title.startswith("Error: ")
    assert len(page.error_summary) == 1 and message in page.error_summary[0]
    assert page.soup.select_one("#file-error")
    assert user_count(db_session) == before


def test_a_byte_order_mark_and_blank_lines_are_fine(admin_client, org):
    data = b"\xef\xbb\xbf" + csv_bytes(
        "a.one@example.test,A One,PO,City North,2021-01-01,,",
        "",
        ",,,,,,",
        "a.two@example.test,A Two,PO,City North,2021-01-01,,",
    ).replace(b"\n", b"\r\n")
    page = admin_client.page(upload(admin_client, data))
    assert "ready to import: 2 users" in page.text


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(admin_client, org):
    data = csv_bytes(
        "a.one@example.test,A One,PO,City North,2021-01-01,,",
        "",
        "a.two@example.test,A Two,XX,City North,2021-01-01,,",
    )
    page = admin_client.page(upload(admin_client, data))
    assert [row[:2] for row in page.table_rows("#import-problems")] == [["4", "grade"]]


def test_a_file_over_1mb_is_refused(admin_client, org, db_session):
    row = "someone@example.test,Some One,PO,City North,2021-01-01,,\n"
    data = HEADER.encode() + b"\n" + row.encode() * (1024 * 1024 // len(row) + 10)
    page = admin_client.page(upload(admin_client, data))
    assert page.error_summary == ["The selected file must be smaller than 1MB"]


def test_a_request_over_max_content_length_gets_the_form_not_a_crash(
    admin_client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = upload(admin_client, b"x" * 5000)
    assert response.status_code == 413
    page = admin_client.page(response)
    assert page.error_summary == ["The selected file must be smaller than 1MB"]
    assert page.soup.select_one('input[type="file"][name="file"]')


def test_a_too_large_request_from_a_non_admin_is_still_404(client, factories, app, monkeypatch):
    client.sign_in(factories.user().email)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = client.submit(
        IMPORT,
        {"file": (io.BytesIO(b"x" * 5000), "users.csv")},
        form_url="/home",
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_a_big_file_travels_in_several_signed_pieces(admin_client, org, db_session, monkeypatch):
    monkeypatch.setattr(user_views, "PAYLOAD_CHUNK", 500)
    lines = [f"user{n}@example.test,User {n},PO,City North,2021-01-01,," for n in range(200)]
    page = admin_client.page(upload(admin_client, csv_bytes(*lines)))
    chunks = payload_of(page)
    assert len(chunks) > 2
    before = user_count(db_session)
    assert confirm(admin_client, chunks).status_code == 302
    assert user_count(db_session) == before + 200


def test_a_changed_payload_is_refused(admin_client, org, db_session):
    page = admin_client.page(upload(admin_client, VALID))
    [token] = payload_of(page)
    before = user_count(db_session)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert confirm(admin_client, [tampered]).status_code == 400
    assert confirm(admin_client, []).status_code == 400
    assert user_count(db_session) == before


def test_a_payload_is_only_good_for_the_admin_who_checked_it(
    admin_client, org, factories, make_client, db_session
):
    payload = payload_of(admin_client.page(upload(admin_client, VALID)))
    other = make_client()
    other.sign_in(factories.admin().email)
    before = user_count(db_session)
    assert confirm(other, payload).status_code == 400
    assert user_count(db_session) == before


def test_an_expired_check_asks_for_the_file_again(admin_client, org, db_session, monkeypatch):
    payload = payload_of(admin_client.page(upload(admin_client, VALID)))
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: real(self) + user_views.IMPORT_MAX_AGE + 5
    )
    before = user_count(db_session)
    response = confirm(admin_client, payload)
    assert response.status_code == 302 and response.headers["Location"].endswith(IMPORT)
    assert user_count(db_session) == before


def test_the_file_is_checked_again_on_confirm(admin_client, org, factories, db_session):
    payload = payload_of(admin_client.page(upload(admin_client, VALID)))
    factories.user(email="ria.shah@example.test")  # someone added her in the meantime
    before = user_count(db_session)
    page = admin_client.page(confirm(admin_client, payload))
    assert page.table_rows("#import-problems") == [
        ["3", "email", "A user with the email address ria.shah@example.test already exists"]
    ]
    assert user_count(db_session) == before


# The command line ----------------------------------------------------------------------


def write(tmp_path, data: bytes, name: str = "users.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_imports_a_valid_file(runner, org, db_session, tmp_path):
    before = user_count(db_session)
    result = runner.invoke(args=["users", "import", write(tmp_path, VALID)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 users" in result.stdout
    assert user_count(db_session) == before + 3
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).all()
    assert len(events) == 3 and {e.actor_id for e in events} == {None}
    assert {e.detail["via"] for e in events} == {"cli_import"}
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "user.import")) == 1


def test_cli_lists_every_error_and_writes_nothing(runner, org, db_session, tmp_path):
    data = csv_bytes(
        "ok.one@example.test,Ok One,PO,City North,2021-09-01,,",
        "bad.grade@example.test,Bad Grade,Manager,City North,2021-09-01,,",
        "ok.two@example.test,Ok Two,PSO,County South,2022-01-01,,",
        "bad.team@example.test,Bad Team,PO,Nowhere,2021-09-01,,",
    )
    path = write(tmp_path, data)
    before = user_count(db_session)
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code == 1
    assert f"{path}: Row 3, grade: Grade must be PSO, PQIP, PO, SPO or OTHER" in result.stderr
    assert f"{path}: Row 5, team: There is no team called Nowhere" in result.stderr
    assert "2 problems; nothing was imported" in result.stderr
    assert result.stdout == ""
    assert user_count(db_session) == before


def test_cli_dry_run_writes_nothing(runner, org, db_session, tmp_path):
    before = user_count(db_session)
    result = runner.invoke(args=["users", "import", "--dry-run", write(tmp_path, VALID)])
    assert result.exit_code == 0
    assert "is valid: 3 users would be imported (dry run)" in result.stdout
    assert user_count(db_session) == before


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The selected file is empty"),
        (b"\xef\xbb\xbfemail,name\n", "The file is missing these columns: grade, team, started_on"),
        (b"email,name\n\xff\xfe\n", "Row 2 has characters that are not UTF-8"),
    ],
)
def test_cli_refuses_bad_files(runner, org, db_session, tmp_path, data, message):
    result = runner.invoke(args=["users", "import", write(tmp_path, data)])
    assert result.exit_code == 1
    assert message in result.stderr


def test_cli_needs_an_existing_file(runner, tmp_path):
    result = runner.invoke(args=["users", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# The checks themselves (no database) --------------------------------------------------


def directory(existing=()) -> Directory:
    return Directory(
        teams=[
            Unit(1, "City North", "City North (team)", parent="Leicester"),
            Unit(2, "Hub", "Hub (team)", parent="Leicester"),
            Unit(3, "Hub", "Hub (team)", parent="Nottingham"),
        ],
        pdus=[
            Unit(10, "Leicester", "Leicester (PDU)"),
            Unit(11, "Nottingham", "Nottingham (PDU)"),
            Unit(12, "Midlands", "Midlands (PDU)"),
        ],
        regions=[Unit(20, "East Midlands", "East Midlands (region)"), Unit(21, "Midlands", "x")],
        existing_emails=set(existing),
    )


def check(*lines: str, header: str = HEADER + ",pdu", existing=()):
    return validate(parse(csv_bytes(*lines, header=header)), directory(existing), TODAY)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-31", date(2024, 3, 31)),
        ("2024-3-1", date(2024, 3, 1)),
        ("31/03/2024", date(2024, 3, 31)),
        ("1/3/2024", date(2024, 3, 1)),
    ],
)
def test_dates_are_read_in_both_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2024-02-30", "31-03-2024", "03/31/2024", "tomorrow", "2024/03/31"]
)
def test_other_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_team_name_in_two_pdus_needs_the_pdu_column():
    result = check("a@example.test,A,PO,Hub,2021-01-01,,,")
    assert result.problems == [
        ImportProblem(2, "team", "There are 2 teams called Hub: add the PDU in a pdu column")
    ]
    result = check("a@example.test,A,PO,hub,2021-01-01,,,nottingham")
    assert result.ok and result.rows[0].team_id == 3
    result = check("a@example.test,A,PO,City North,2021-01-01,,,Nottingham")
    assert result.problems == [
        ImportProblem(2, "team", "There is no team called City North in the PDU Nottingham")
    ]
    result = check("a@example.test,A,PO,City North,2021-01-01,,,Atlantis")
    assert result.problems == [ImportProblem(2, "pdu", "There is no PDU called Atlantis")]


def test_role_syntax():
    result = check(
        "a@example.test,A,SPO,,2021-01-01,,practitioner; spo:City North ;QDO:Leicester;"
        "ld-lead:East Midlands;admin,"
    )
    assert result.ok, result.problems
    specs = {(s.role, s.team_id, s.pdu_id, s.region_id) for s in result.rows[0].roles}
    assert specs == {
        (Role.PRACTITIONER, None, None, None),
        (Role.SPO, 1, None, None),
        (Role.QDO, None, 10, None),
        (Role.LD_LEAD, None, None, 20),
        (Role.ADMIN, None, None, None),
    }


@pytest.mark.parametrize(
    "roles, message",
    [
        ("boss", "boss is not a role: use practitioner, spo, qdo, ld_lead, leader or admin"),
        ("spo", "spo needs a team, like spo:Name"),
        ("qdo", "qdo needs a PDU, like qdo:Name"),
        ("leader", "leader needs a PDU or region, like leader:Name"),
        (
            "admin:Leicester",
            "admin is not limited to a team, PDU or region: write admin on its own",
        ),
        ("spo:Leicester", "There is no team called Leicester"),
        ("spo:Hub", "There is more than one team called Hub"),
        ("qdo:East Midlands", "There is no PDU called East Midlands"),
        ("leader:Midlands", "There is more than one PDU or region called Midlands"),
        ("spo:City North;spo:city north", "spo:city north is listed more than once"),
    ],
)
def test_role_problems(roles, message):
    result = check(f"a@example.test,A,SPO,,2021-01-01,,{roles},")
    assert result.problems == [ImportProblem(2, "roles", message)]


def test_an_spo_team_named_in_two_pdus_uses_the_row_pdu():
    result = check("a@example.test,A,SPO,,2021-01-01,,spo:Hub,Nottingham")
    assert result.ok and result.rows[0].roles[0].team_id == 3


def test_defaults_and_optional_values():
    result = check(
        "po@example.test,P O,po,City North,2021-01-01,,,",
        "spo@example.test,S P O,SPO,,2021-01-01,,,",
        "other@example.test,O T,Other,,2021-01-01,2020-01-01,,",
    )
    assert result.ok
    po, spo, other = result.rows
    assert [s.role for s in po.roles] == [Role.PRACTITIONER]
    assert spo.roles == () and spo.team_id is None
    assert other.grade is Grade.OTHER and other.qualified_on == date(2020, 1, 1)


def test_dates_must_be_in_range():
    result = check("a@example.test,A,PO,City North,2025-06-02,1949-12-31,,")
    assert [(p.column, p.message) for p in result.problems] == [
        ("started_on", "started_on must be today or in the past"),
        ("qualified_on", "qualified_on must be after 1950"),
    ]


def test_headings_are_forgiving_but_extra_cells_are_not():
    data = b"Email , NAME,Grade,Team,Started On,qualified-on\n"
    data += b"a@example.test,A,PO,City North,2021-01-01,,\n"  # one empty extra cell: fine
    data += b"b@example.test,B,PO,City North,2021-01-01,,surprise\n"
    result = validate(parse(data), directory(), TODAY)
    assert [r.email for r in result.rows] == ["a@example.test"]
    assert result.problems == [
        ImportProblem(3, None, "Row has 7 cells but there are only 6 columns")
    ]


def test_a_blank_heading_over_data_is_an_error_but_over_nothing_is_ignored():
    ok = parse(b"email,name,grade,team,started_on,\na@example.test,A,PO,City North,2021-01-01,\n")
    assert not ok.problems
    bad = parse(b"email,name,grade,team,started_on,\na@example.test,A,PO,City North,2021-01-01,x\n")
    assert bad.problems == [ImportProblem(None, None, "Column 6 has data but no heading")]


def test_an_existing_email_is_matched_whatever_its_case():
    result = check(
        "Sam@Example.TEST,Sam,PO,City North,2021-01-01,,,", existing={"sam@example.test"}
    )
    assert result.problems == [
        ImportProblem(2, "email", "A user with the email address sam@example.test already exists")
    ]


def test_imported_membership_history(runner, org, db_session, tmp_path):
    runner.invoke(args=["users", "import", write(tmp_path, VALID)])
    ria = db_session.scalar(select(User).where(User.email == "ria.shah@example.test"))
    [membership] = db_session.scalars(
        select(TeamMembership).where(TeamMembership.user_id == ria.id)
    )
    assert (membership.team_id, membership.started_on, membership.ended_on) == (
        org["south"].id,
        date(2024, 2, 1),
        None,
    )
