"""Admin pages for users: list, details, create, edit, deactivate, roles, passwords
and CSV import. Admins only; anyone else gets 404 (or the sign-in page).

Each change is one call into ``learning_app.admin.user_services``, which writes the
audit event; the view commits and redirects.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from learning_app.accounts.constants import Grade, Role
from learning_app.accounts.models import RoleAssignment, User
from learning_app.admin import user_queries as queries
from learning_app.admin import user_services as services
from learning_app.admin.common import commit_and_redirect
from learning_app.admin.user_forms import (
    AddRoleForm,
    ImportConfirmForm,
    ImportUploadForm,
    NewUserForm,
    ResetPasswordForm,
    RoleScopeForm,
    UserForm,
    UserSearchForm,
)
from learning_app.admin.user_import import ImportCheck, check_file, summarise
from learning_app.admin.user_import_csv import MAX_UPLOAD_BYTES
from learning_app.core import audit
from learning_app.core.forms import ConfirmForm
from learning_app.core.pagination import paginate
from learning_app.core.policy import allow, is_admin
from learning_app.core.requests import current_actor, show_refusal
from learning_app.core.time import london_today
from learning_app.extensions import db

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")

TOO_LARGE = "The selected file must be smaller than 1MB"
# A signed import stays valid this long between "check" and "confirm".
IMPORT_MAX_AGE = 60 * 60
# Werkzeug refuses a multipart text field over MAX_FORM_MEMORY_SIZE (500 kB by
# default), so the signed file is sent back in pieces smaller than that.
PAYLOAD_CHUNK = 400_000


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


# List and details -------------------------------------------------------------------


@bp.route("/")
@allow(Role.ADMIN)
def index():
    search = UserSearchForm(request.args, teams=queries.all_teams())
    team_id = search.value("team")
    status = search.value("status")
    filters = queries.UserFilters(
        q=(search.q.data or "")[:200] or None,
        team_id=int(team_id) if team_id else None,
        grade=Grade(search.value("grade")) if search.value("grade") else None,
        role=Role(search.value("role")) if search.value("role") else None,
        active=None if status is None else status == "active",
    )
    page = paginate(queries.user_list_statement(filters), current_app.config["USERS_PER_PAGE"])
    filtering = filters != queries.UserFilters()
    return render_template("admin/users/index.html", search=search, page=page, filtering=filtering)


@bp.route("/<int:user_id>")
@allow(Role.ADMIN)
def show(user_id: int):
    user = _user_or_404(user_id)
    actor = current_actor()
    # Every view of another person's record is written to the audit log (DESIGN.md 2).
    audit.record(actor, "user.view", user)
    db.session.commit()
    return render_template(
        "admin/users/show.html",
        user=user,
        history=queries.team_history(user),
        events=queries.recent_events_about(user),
        is_self=user.id == actor.id,
        band=user.band(london_today()),
        event_labels=queries.EVENT_LABELS,
    )


# Create and edit -----------------------------------------------------------------------


def _details(form: UserForm) -> services.UserDetails:
    return services.UserDetails(
        name=form.name.data,
        email=form.email.data,
        grade=Grade(form.grade.data),
        team=form.chosen_team,
        started_on=form.started_on.data,
        qualified_on=form.qualified_on.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create():
    today = london_today()
    form = NewUserForm(teams=queries.all_teams(), today=today)
    if form.validate_on_submit():
        try:
            user = services.create_user(current_actor(), _details(form), form.password.data, today)
        except services.UserAdminError as error:
            show_refusal(form, error)
        else:
            return commit_and_redirect(
                f"{user.name} has been added. Tell them their temporary password.",
                ".show",
                user_id=user.id,
            )
    return render_template("admin/users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit(user_id: int):
    user = _user_or_404(user_id)
    today = london_today()
    data = {
        "name": user.name,
        "email": user.email,
        "grade": user.grade,
        "team": str(user.team_id) if user.team_id else "",
        "started_on": user.started_on,
        "qualified_on": user.qualified_on,
    }
    form = UserForm(data=data, teams=queries.all_teams(), today=today, user=user)
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        try:
            changed = services.update_user(current_actor(), user, _details(form), today)
        except services.UserAdminError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            if changed:
                flash(f"{user.name}'s details have been updated.", "success")
            return redirect(url_for(".show", user_id=user.id))
    return render_template("admin/users/form.html", form=form, user=user)


# Deactivate and reactivate ----------------------------------------------------------------


def _change_status(user_id: int, deactivate: bool):
    user = _user_or_404(user_id)
    if user.active != deactivate:  # already done: nothing to confirm
        return redirect(url_for(".show", user_id=user.id))
    form = ConfirmForm()
    form.submit.label.text = "Deactivate account" if deactivate else "Reactivate account"
    problem = None
    if form.validate_on_submit():
        try:
            if deactivate:
                services.deactivate_user(current_actor(), user)
            else:
                services.reactivate_user(current_actor(), user)
        except services.UserAdminError as error:
            problem = error.message
        else:
            done = "deactivated" if deactivate else "reactivated"
            return commit_and_redirect(
                f"{user.name}'s account has been {done}.", ".show", user_id=user.id
            )
    return render_template(
        "admin/users/status.html",
        user=user,
        confirm=form,
        deactivate=deactivate,
        problem=problem,
    )


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@allow(Role.ADMIN)
def deactivate(user_id: int):
    return _change_status(user_id, deactivate=True)


@bp.route("/<int:user_id>/reactivate", methods=["GET", "POST"])
@allow(Role.ADMIN)
def reactivate(user_id: int):
    return _change_status(user_id, deactivate=False)


# Roles --------------------------------------------------------------------------------------


def _roles_page(user: User, form: AddRoleForm, problem: str | None = None, status: int = 200):
    return (
        render_template(
            "admin/users/roles.html",
            user=user,
            form=form,
            problem=problem,
            is_self=user.id == current_actor().id,
        ),
        status,
    )


def _role_words(assignment: RoleAssignment) -> str:
    """ "Senior probation officer for City North (team)", or just "Administrator"."""
    where = f" for {assignment.scope.label}" if assignment.scope is not None else ""
    return f"{Role(assignment.role).label}{where}"


def _role_added(user: User, assignment: RoleAssignment):
    return commit_and_redirect(
        f"{user.name} now has the role {_role_words(assignment)}.", ".roles", user_id=user.id
    )


@bp.route("/<int:user_id>/roles", methods=["GET", "POST"])
@allow(Role.ADMIN)
def roles(user_id: int):
    """A user's roles, and adding one: a role limited to part of the organisation
    asks which part on the next page."""
    user = _user_or_404(user_id)
    form = AddRoleForm()
    if form.validate_on_submit():
        role = form.chosen_role
        if role.scope_kinds:
            return redirect(url_for(".role_scope", user_id=user.id, role=role.value))
        try:
            assignment = services.add_role(current_actor(), user, role, None)
        except services.UserAdminError as error:
            show_refusal(form, error)
        else:
            return _role_added(user, assignment)
    return _roles_page(user, form)


def _scoped_role(value: str) -> Role | None:
    try:
        role = Role(value)
    except ValueError:
        return None
    return role if role.scope_kinds else None


@bp.route("/<int:user_id>/roles/scope", methods=["GET", "POST"])
@allow(Role.ADMIN)
def role_scope(user_id: int):
    """The team, PDU or region of a new role; the role is in the query string."""
    user = _user_or_404(user_id)
    role = _scoped_role(request.args.get("role", ""))
    if role is None:  # nothing to ask: choose the role again
        return redirect(url_for(".roles", user_id=user.id))
    form = RoleScopeForm(
        role=role,
        teams=queries.all_teams(),
        pdus=queries.all_pdus(),
        regions=queries.all_regions(),
    )
    if form.validate_on_submit():
        try:
            assignment = services.add_role(current_actor(), user, role, form.chosen_scope)
        except services.UserAdminError as error:
            show_refusal(form, error)
        else:
            return _role_added(user, assignment)
    return render_template("admin/users/role_scope.html", user=user, form=form)


@bp.route("/<int:user_id>/roles/<int:assignment_id>/remove", methods=["POST"])
@allow(Role.ADMIN)
def remove_role(user_id: int, assignment_id: int):
    user = _user_or_404(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    words = _role_words(assignment)
    try:
        services.remove_role(current_actor(), user, assignment)
    except services.UserAdminError as error:
        return _roles_page(user, AddRoleForm(formdata=None), problem=error.message, status=400)
    return commit_and_redirect(
        f"The role {words} has been removed from {user.name}.", ".roles", user_id=user.id
    )


# Passwords ------------------------------------------------------------------------------------


@bp.route("/<int:user_id>/reset-password", methods=["GET", "POST"])
@allow(Role.ADMIN)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        services.reset_password(current_actor(), user, form.password.data)
        return commit_and_redirect(
            f"A temporary password has been set for {user.name}. Tell them it: they must "
            "change it when they sign in.",
            ".show",
            user_id=user.id,
        )
    return render_template("admin/users/reset_password.html", form=form, user=user)


# CSV import -------------------------------------------------------------------------------------
#
# Between "check your import" and "confirm", the checked file travels in the confirm
# form itself, signed with the app's SECRET_KEY (itsdangerous, compressed, timed,
# bound to the admin who uploaded it). Nothing is stored on the server, so it works
# with several web instances behind a load balancer and leaves nothing to clean up;
# the session cookie is far too small for a 1MB file. The signature means the rows
# cannot be changed between the steps, and the file is checked again on confirm, in
# case users or teams changed in between.


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="admin-users-import")


def _sign_import(text: str, filename: str, actor: User) -> list[str]:
    token = _serializer().dumps({"csv": text, "filename": filename, "actor": actor.id})
    return [token[i : i + PAYLOAD_CHUNK] for i in range(0, len(token), PAYLOAD_CHUNK)]


def _read_import(chunks: list[str], actor: User) -> dict:
    payload = _serializer().loads("".join(chunks), max_age=IMPORT_MAX_AGE)
    if not isinstance(payload, dict) or payload.get("actor") != actor.id:
        raise BadSignature("signed for someone else")
    return payload


def _upload_page(form: ImportUploadForm, check: ImportCheck | None = None, status: int = 200):
    problems = check.problems if check is not None else []
    return (
        render_template("admin/users/import.html", form=form, problems=problems),
        status,
    )


def _file_error(form: ImportUploadForm, message: str) -> None:
    form.file.errors = [*form.file.errors, message]


def _describe_problems(check: ImportCheck) -> str:
    if len(check.problems) == 1 and check.problems[0].row is None:
        return check.problems[0].message
    count = len(check.problems)
    noun = "problem" if count == 1 else "problems"
    return f"The selected file has {count} {noun}. Fix them and upload the file again"


@bp.route("/import", methods=["GET", "POST"])
@allow(Role.ADMIN)
def import_users():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        _file_error(form, "Select a CSV file")
        return _upload_page(form)
    if not upload.filename.lower().endswith(".csv"):
        _file_error(form, "The selected file must be a CSV")
        return _upload_page(form)
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        _file_error(form, TOO_LARGE)
        return _upload_page(form)
    check = check_file(data, london_today())
    if not check.ok:
        _file_error(form, _describe_problems(check))
        return _upload_page(form, check)
    return render_template(
        "admin/users/import_check.html",
        confirm=ImportConfirmForm(),
        summary=summarise(check.rows),
        filename=upload.filename,
        payload=_sign_import(check.text, upload.filename, current_actor()),
    )


@bp.route("/import/confirm", methods=["POST"])
@allow(Role.ADMIN)
def import_confirm():
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    actor = current_actor()
    try:
        payload = _read_import(request.form.getlist("payload"), actor)
    except SignatureExpired:
        flash("The check of your file has expired. Upload the file again.", "info")
        return redirect(url_for(".import_users"))
    except BadSignature:
        abort(400)
    today = london_today()
    form = ImportUploadForm(formdata=None)
    check = check_file(payload["csv"].encode("utf-8"), today)
    if not check.ok:
        # Users or teams changed since the file was checked.
        _file_error(form, _describe_problems(check))
        return _upload_page(form, check)
    try:
        users = services.import_users(actor, check.rows, payload["filename"], today)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _file_error(
            form,
            "Someone else added some of these users while you were importing. "
            "Nothing was imported: upload the file again",
        )
        return _upload_page(form)
    noun = "user" if len(users) == 1 else "users"
    flash(
        f"Imported {len(users)} {noun}. Set a temporary password for each before they can sign in.",
        "success",
    )
    return redirect(url_for(".index"))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A body over MAX_CONTENT_LENGTH gets the upload page with an error, not a crash page."""
    if not is_admin(current_user):
        return render_template("errors/404.html", code=404), 404
    form = ImportUploadForm(formdata=None)
    _file_error(form, TOO_LARGE)
    return _upload_page(form, status=413)
