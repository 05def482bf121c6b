"""The training catalogue: everyone browses it; L&D leads and admins maintain it.

Each change is one service call in ``learning_app.training.services``, which writes
the audit event; the view commits and redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learning_app.accounts.constants import Role
from learning_app.core.policy import allow, signed_in
from learning_app.core.time import london, utc_now
from learning_app.extensions import db
from learning_app.training import cohort_queries, cohorts, queries, services
from learning_app.training.forms import MODE_OPTIONS, ConfirmForm, MappingForm, ModuleForm
from learning_app.training.models import DeliveryMode, TrainingModule

bp = Blueprint("training", __name__, url_prefix="/training")

MANAGERS = (Role.LD_LEAD, Role.ADMIN)
MODE_VALUES = frozenset(mode.value for mode in DeliveryMode)


def can_manage_catalogue(user) -> bool:
    """L&D leads and admins maintain the catalogue (candidate for core.policy)."""
    return user.is_authenticated and user.has_role(*MANAGERS)


def _actor():
    """The signed-in user, for services that take the actor explicitly."""
    return current_user._get_current_object()


def _module_or_404(code: str, *, include_retired: bool = True) -> TrainingModule:
    module = queries.find_module(code)
    if module is None or (module.retired_at is not None and not include_retired):
        abort(404)
    return module


def _done(message: str, endpoint: str, **values) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _refuse(form, error: services.TrainingError) -> None:
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField"))
    field.errors = [*field.errors, error.message]


# Browsing ---------------------------------------------------------------------------


@bp.route("/")
@signed_in
def index():
    skills = queries.skill_names()
    # Unknown filter values are ignored rather than refused: the list is still useful.
    skill = request.args.get("skill", "")
    skill = skill if skill in skills else ""
    mode_value = request.args.get("mode", "")
    mode = DeliveryMode(mode_value) if mode_value in MODE_VALUES else None
    return render_template(
        "training/index.html",
        modules=queries.browse_modules(skill or None, mode),
        skill_names=skills,
        skill_filter=skill,
        mode_filter=mode.value if mode else "",
        mode_options=MODE_OPTIONS,
        can_manage=can_manage_catalogue(current_user),
        retired=False,
    )


@bp.route("/retired")
@allow(*MANAGERS)
def retired():
    return render_template(
        "training/index.html",
        modules=queries.browse_modules(retired=True),
        skill_names=queries.skill_names(),
        can_manage=True,
        retired=True,
    )


@bp.route("/modules/<code>")
@signed_in
def module(code: str):
    manager = can_manage_catalogue(current_user)
    module = _module_or_404(code, include_retired=manager)
    face_to_face = module.mode == DeliveryMode.FACE_TO_FACE
    upcoming = cohort_queries.upcoming_cohorts(utc_now(), module.id) if face_to_face else []
    practitioner = current_user.has_role(Role.PRACTITIONER)
    return render_template(
        "training/module.html",
        module=module,
        skill_names=queries.skill_names(),
        can_manage=manager,
        face_to_face=face_to_face,
        cohorts=upcoming,
        waiting=cohort_queries.waiting_counts(c.id for c in upcoming),
        places_left=cohorts.places_left,
        london=london,
        can_schedule=manager and face_to_face and module.retired_at is None,
        can_add_to_plan=practitioner and module.retired_at is None,
        in_plan=practitioner and cohort_queries.has_live_plan_item(current_user.id, module.id),
    )


# Maintaining ------------------------------------------------------------------------


@bp.route("/modules/new", methods=["GET", "POST"])
@allow(*MANAGERS)
def new_module():
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            module = services.create_module(_actor(), form.module_data())
        except services.TrainingError as error:
            _refuse(form, error)
        else:
            return _done(
                f"Module {module.code} added: now map the skills it addresses",
                ".map_skills",
                code=module.code,
            )
    return render_template(
        "training/module_form.html", form=form, heading="Add a module", back_url=url_for(".index")
    )


@bp.route("/modules/<code>/edit", methods=["GET", "POST"])
@allow(*MANAGERS)
def edit_module(code: str):
    module = _module_or_404(code)
    form = ModuleForm()
    if request.method == "GET":
        form.fill_from(module)
    if form.validate_on_submit():
        try:
            services.update_module(_actor(), module, form.module_data())
        except services.TrainingError as error:
            _refuse(form, error)
        else:
            return _done(f"Module {module.code} saved", ".module", code=module.code)
    return render_template(
        "training/module_form.html",
        form=form,
        heading="Edit module",
        caption=module.code,
        back_url=url_for(".module", code=module.code),
    )


@bp.route("/modules/<code>/retire", methods=["GET", "POST"])
@allow(*MANAGERS)
def retire_module(code: str):
    return _retire_or_unretire(_module_or_404(code), retire=True)


@bp.route("/modules/<code>/unretire", methods=["GET", "POST"])
@allow(*MANAGERS)
def unretire_module(code: str):
    return _retire_or_unretire(_module_or_404(code), retire=False)


def _retire_or_unretire(module: TrainingModule, *, retire: bool):
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        change = services.retire_module if retire else services.unretire_module
        try:
            change(_actor(), module)
        except services.TrainingError as error:
            problem = error.message
        else:
            done = "retired" if retire else "back in the catalogue"
            return _done(f"Module {module.code} is {done}", ".module", code=module.code)
    return render_template("training/retire.html", module=module, retire=retire, problem=problem)


@bp.route("/modules/<code>/skills", methods=["GET", "POST"])
@allow(*MANAGERS)
def map_skills(code: str):
    module = _module_or_404(code)
    form = MappingForm(skills=queries.framework_skills())
    if form.validate_on_submit():
        try:
            services.add_skill_mapping(
                _actor(), module, form.skill.data, form.from_level.data, form.to_level.data
            )
        except services.TrainingError as error:
            _refuse(form, error)
        else:
            return _done(f"Skill added to {module.code}", ".map_skills", code=module.code)
    return render_template(
        "training/skills.html",
        module=module,
        form=form,
        skill_names=queries.skill_names(),
    )


@bp.route("/modules/<code>/skills/<int:mapping_id>/remove", methods=["POST"])
@allow(*MANAGERS)
def remove_mapping(code: str, mapping_id: int):
    module = _module_or_404(code)
    mapping = next((m for m in module.skills if m.id == mapping_id), None)
    if mapping is None:
        abort(404)
    services.remove_skill_mapping(_actor(), module, mapping)
    return _done(f"Skill removed from {module.code}", ".map_skills", code=module.code)
