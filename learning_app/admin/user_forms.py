"""Forms for the admin user pages, with GOV.UK widgets and wording."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    Form,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, ValidationError

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import User
from learning_app.accounts.passwords import password_problem
from learning_app.admin.user_services import (
    EARLIEST_DATE,
    EMAIL_FORMAT,
    EMAIL_TAKEN,
    NAME_MAX,
    QUALIFIED_NOT_ALLOWED,
    email_format_ok,
    email_taken,
    qualified_on_allowed,
    team_required,
)
from learning_app.core.forms import GovDateField, collapse_spaces, select_choices, strip_spaces
from learning_app.org.models import Pdu, Region, Team


def team_options(teams: list[Team]) -> list[tuple[int, str]]:
    return [(t.id, f"{t.name} ({t.pdu.name})") for t in teams]


def scope_value(unit: Team | Pdu | Region) -> str:
    kind = {Team: "team", Pdu: "pdu", Region: "region"}[type(unit)]
    return f"{kind}:{unit.id}"


GRADE_VALUES = frozenset(g.value for g in Grade)
GRADE_CHOICES = [SelectChoice(g.value, g.label) for g in Grade]
ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
# These dates name every missing part with its article ("must include a month and a
# year"), where the organisation pages follow the shorter GOV.UK wording.
MISSING_PARTS = " and a "


# The list's filters (GET) ---------------------------------------------------------


class UserSearchForm(Form):
    """Search and filters for the user list; a value that does not fit is ignored."""

    q = StringField("Name or email address", widget=GovTextInput(), filters=[collapse_spaces])
    team = SelectField("Team", widget=GovSelect(), validate_choice=True)
    grade = SelectField("Grade", widget=GovSelect(), choices=select_choices("All grades", []))
    role = SelectField("Role", widget=GovSelect())
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=select_choices("All", [("active", "Active"), ("deactivated", "Deactivated")]),
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, formdata, teams: list[Team]) -> None:
        super().__init__(formdata)
        self.team.choices = select_choices("All teams", team_options(teams))
        self.grade.choices = select_choices("All grades", [(g.value, g.value) for g in Grade])
        self.role.choices = select_choices("All roles", [(r.value, r.label) for r in Role])

    def value(self, name: str) -> str | None:
        """The chosen value of a filter, or None when it is blank or not an option."""
        field = self[name]
        allowed = {c.value for c in field.choices}
        return field.data if field.data and field.data in allowed else None


# Create and edit ------------------------------------------------------------------


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[InputRequired(message="Enter a full name")],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_spaces],
        validators=[InputRequired(message="Enter an email address")],
    )
    grade = RadioField(
        "Grade",
        widget=GovRadioInput(),
        choices=GRADE_CHOICES,
        validators=[InputRequired(message="Select a grade")],
        invalid_choice_message="Select a grade",
    )
    team = SelectField(
        "Team",
        widget=GovSelect(),
        validate_choice=False,
        description="Probation services officers, trainees and probation officers need a team.",
    )
    started_on = GovDateField(
        "Date they started",
        description="For example, 27 3 2021",
        required_message="Enter the date they started",
        missing_joiner=MISSING_PARTS,
    )
    qualified_on = GovDateField(
        "Date they qualified (optional)",
        error_name="Date they qualified",
        missing_joiner=MISSING_PARTS,
        description="Only for probation officers, senior probation officers and other grades. "
        "For example, 14 7 2023",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(
        self, *args, teams: list[Team], today: date, user: User | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.user = user
        self.team.choices = select_choices("No team", team_options(teams))
        self.teams_by_id = {str(t.id): t for t in teams}

    @property
    def chosen_team(self) -> Team | None:
        return self.teams_by_id.get(self.team.data or "")

    def validate_name(self, field: StringField) -> None:
        if len(field.data or "") > NAME_MAX:
            raise ValidationError(f"Full name must be {NAME_MAX} characters or fewer")

    def validate_email(self, field: StringField) -> None:
        if not email_format_ok(field.data or ""):
            raise ValidationError(EMAIL_FORMAT)
        if email_taken(field.data, exclude=self.user):
            raise ValidationError(EMAIL_TAKEN)

    def validate_team(self, field: SelectField) -> None:
        if field.data and self.chosen_team is None:
            raise ValidationError("Select a team from the list")
        grade = self.grade.data
        if grade in GRADE_VALUES and team_required(grade) and self.chosen_team is None:
            raise ValidationError("Select a team")

    def _check_date(self, field: GovDateField) -> None:
        if field.errors or field.data is None:
            return
        if field.data > self.today:
            raise ValidationError(f"{field.error_name} must be today or in the past")
        if field.data < EARLIEST_DATE:
            raise ValidationError(f"{field.error_name} must be after {EARLIEST_DATE.year}")

    def validate_started_on(self, field: GovDateField) -> None:
        self._check_date(field)

    def validate_qualified_on(self, field: GovDateField) -> None:
        self._check_date(field)
        grade = self.grade.data
        if field.data is not None and grade in GRADE_VALUES and not qualified_on_allowed(grade):
            raise ValidationError(QUALIFIED_NOT_ALLOWED)


class NewUserForm(UserForm):
    password = PasswordField(
        "Temporary password",
        widget=GovPasswordInput(),
        description="12 characters or more. They must change it when they first sign in.",
        validators=[InputRequired(message="Enter a temporary password")],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self.email.data, name=self.name.data)
        if problem:
            raise ValidationError(problem)


# Roles, status and passwords ------------------------------------------------------


class AddRoleForm(FlaskForm):
    """Adding a role, first step: which role. A role limited to part of the
    organisation asks which part on the next page (``RoleScopeForm``)."""

    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[InputRequired(message="Select a role")],
        invalid_choice_message="Select a role",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @property
    def chosen_role(self) -> Role | None:
        try:
            return Role(self.role.data)
        except ValueError:
            return None


# What a scoped role is limited to, in words, by the kinds of unit it allows.
SCOPE_WORDS = {("team",): "team", ("pdu",): "PDU", ("pdu", "region"): "PDU or region"}


class RoleScopeForm(FlaskForm):
    """Adding a role, second step: the team, PDU or region a scoped role covers."""

    scope = SelectField("Scope", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Add role", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        role: Role,
        teams: list[Team],
        pdus: list[Pdu],
        regions: list[Region],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        words = SCOPE_WORDS[role.scope_kinds]
        self.scope.label.text = f"Which {words} is the {role.label.lower()} role for?"
        self.nothing_chosen = f"Select a {words}"
        units = {"team": teams, "pdu": pdus, "region": regions}
        self.units = {scope_value(u): u for kind in role.scope_kinds for u in units[kind]}
        self.scope.choices = select_choices(
            self.nothing_chosen, [(value, _scope_label(u)) for value, u in self.units.items()]
        )

    @property
    def chosen_scope(self) -> Team | Pdu | Region | None:
        return self.units.get(self.scope.data or "")

    def validate_scope(self, field: SelectField) -> None:
        if self.chosen_scope is None:
            raise ValidationError(self.nothing_chosen)


def _scope_label(unit: Team | Pdu | Region) -> str:
    return f"{unit.name} ({unit.pdu.name})" if isinstance(unit, Team) else unit.label


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "Temporary password",
        widget=GovPasswordInput(),
        description="12 characters or more. They must change it when they next sign in.",
        validators=[InputRequired(message="Enter a temporary password")],
    )
    confirm_password = PasswordField(
        "Confirm temporary password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm the temporary password")],
    )
    submit = SubmitField("Reset password", widget=GovSubmitInput())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._user.email, name=self._user.name)
        if problem:
            raise ValidationError(problem.replace("your name", "their name"))

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError("Passwords do not match")


# Import ---------------------------------------------------------------------------


class ImportUploadForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="A CSV file (UTF-8, comma separated) of 1MB or smaller.",
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ImportConfirmForm(FlaskForm):
    # The signed file travels in one or more hidden ``payload`` fields, read with
    # ``request.form.getlist``: see user_views.import_users for why.
    submit = SubmitField("Import users", widget=GovSubmitInput())
