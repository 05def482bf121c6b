"""Forms for the admin organisation pages, with GOV.UK widgets and wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import Field, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from learning_app.accounts.models import User
from learning_app.core.forms import GovDateField, collapse_spaces, int_or_none, select_choices
from learning_app.org.models import Pdu, Region, Team


class _Chosen:
    """Refuse "nothing chosen": ``int_or_none`` turns both the placeholder and anything
    that is not a number into None, and the placeholder passes the choice check."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is None:
            raise ValidationError(self.message)


def _id_select(label: str, message: str, invalid: str | None = None, **kwargs) -> SelectField:
    """A select of database ids after a placeholder: ``message`` when none is chosen,
    ``invalid`` (or ``message``) for an id that is not offered."""
    return SelectField(
        label,
        widget=GovSelect(),
        coerce=int_or_none,
        validators=[InputRequired(message=message), _Chosen(message)],
        invalid_choice_message=invalid or message,
        **kwargs,
    )


def _text_field(label: str, message: str, **kwargs) -> StringField:
    """Required text of up to 120 characters, with its spaces tidied."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[collapse_spaces],
        validators=[
            DataRequired(message=message),
            Length(max=120, message=f"{label} must be 120 characters or fewer"),
        ],
        **kwargs,
    )


def _people(users: list[User]) -> list[tuple[int, str]]:
    return [(u.id, f"{u.name} ({u.email})") for u in users]


class RegionForm(FlaskForm):
    name = _text_field("Region name", "Enter a region name")
    submit = SubmitField("Save region", widget=GovSubmitInput())


class PduForm(FlaskForm):
    region_id = _id_select("Region", "Select a region")
    name = _text_field("PDU name", "Enter a PDU name")
    submit = SubmitField("Save PDU", widget=GovSubmitInput())

    def __init__(
        self, *args, regions: list[Region] = (), fixed_region: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.region_id.choices = select_choices(
            "Select a region", [(r.id, r.name) for r in regions]
        )
        if fixed_region:
            # Renaming keeps the region; the field is not shown or accepted.
            del self.region_id


class TeamForm(FlaskForm):
    pdu_id = _id_select("PDU", "Select a PDU")
    name = _text_field("Team name", "Enter a team name")
    site = _text_field(
        "Site",
        "Enter the team's site",
        description="The office the team works from, for example Leicester, Pocklington Place",
    )
    submit = SubmitField("Save team", widget=GovSubmitInput())

    def __init__(self, *args, pdus: list[Pdu] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pdu_id.choices = select_choices(
            "Select a PDU", [(p.id, f"{p.name} ({p.region.name})") for p in pdus]
        )


class AddSpoForm(FlaskForm):
    user_id = _id_select(
        "Add an SPO",
        "Select a user",
        "Select a user from the list",
        description="Choose an active user. They get the SPO role for this team.",
    )
    submit = SubmitField("Add SPO", widget=GovSubmitInput())

    def __init__(self, *args, candidates: list[User] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = select_choices("Select a user", _people(candidates))


class MoveForm(FlaskForm):
    user_id = _id_select(
        "Practitioner",
        "Select the practitioner to move",
        "Select a current member of this team",
    )
    to_team_id = _id_select(
        "Team they are moving to",
        "Select the team they are moving to",
        "Select a team from the list",
    )
    moved_on = GovDateField(
        "Date of the move",
        description="The first day in the new team, for example 27 3 2025",
        required_message="Enter the date of the move",
    )
    # Set by the confirmation page; the first POST shows what will happen.
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, members: list[User] = (), teams: list[Team] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = select_choices("Select a practitioner", _people(members))
        self.to_team_id.choices = select_choices(
            "Select a team", [(t.id, f"{t.name} ({t.pdu.name})") for t in teams]
        )
