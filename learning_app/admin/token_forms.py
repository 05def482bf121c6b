"""The form an admin issues an API token with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired

from learning_app.api.tokens import DEFAULT_LIFETIME, NAME_MAX
from learning_app.core.forms import strip_spaces

LIFETIME_CHOICES = [
    SelectChoice("30", "30 days"),
    SelectChoice("90", "90 days"),
    SelectChoice("365", "1 year"),
]


class IssueTokenForm(FlaskForm):
    email = StringField(
        "Email address of the person the token is for",
        description="An L&D lead, leader or SPO. The token reads what they can read, "
        "no more, for as long as they hold the role.",
        filters=[strip_spaces],
        validators=[InputRequired("Enter the email address of the person the token is for")],
        widget=GovTextInput(),
    )
    name = StringField(
        "What the token is for",
        description=f"For example, 'Power BI board report'. Up to {NAME_MAX} characters.",
        filters=[strip_spaces],
        validators=[InputRequired("Enter what the token is for")],
        widget=GovTextInput(),
    )
    lifetime = RadioField(
        "How long the token lasts",
        choices=LIFETIME_CHOICES,
        default=DEFAULT_LIFETIME,
        validators=[InputRequired("Choose how long the token lasts")],
        widget=GovRadioInput(),
    )
    submit = SubmitField("Issue token", widget=GovSubmitInput())
