"""The private calendar feed: the page where a user makes or resets their link, and the feed.

``/account/calendar`` is for any signed-in user. The full link is shown once, on the page
right after it is made or reset: the view hands the new token to that one page through the
session (the signed cookie the user already holds) and takes it out again as the page is
shown. Only a digest is stored, so the link cannot be shown again later.

``/calendar/<token>.ics`` is public: calendar apps cannot sign in, so the token is the
authority. A wrong or reset token answers 404, and the feed is never cached on the way.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)

from learning_app.core.forms import ConfirmForm
from learning_app.core.policy import public, signed_in
from learning_app.core.requests import current_actor
from learning_app.core.time import utc_now
from learning_app.extensions import db
from learning_app.reflective import calendar

bp = Blueprint("calendar", __name__)

NEW_TOKEN = "calendar_token"  # session key: the token just made, for one page view


@bp.route("/account/calendar", methods=["GET", "POST"])
@signed_in
def account():
    actor = current_actor()
    form = ConfirmForm()
    form.submit.label.text = "Create your calendar link"
    if form.validate_on_submit():
        try:
            token = calendar.create_feed(actor)
        except calendar.CalendarError as error:
            flash(error.message, "info")
        else:
            return _show_once(token, "Your calendar link has been created.")
        return redirect(url_for(".account"))
    token = session.pop(NEW_TOKEN, None)
    feed = calendar.feed_of(actor)
    new_url = None
    if token and feed is not None and calendar.is_current(actor, token):
        new_url = url_for(".feed", token=token, _external=True)
    return render_template(
        "reflective/calendar/account.html", feed=feed, new_url=new_url, form=form
    )


@bp.route("/account/calendar/reset", methods=["GET", "POST"])
@signed_in
def reset():
    actor = current_actor()
    if calendar.feed_of(actor) is None:
        return redirect(url_for(".account"))
    form = ConfirmForm()
    form.submit.label.text = "Reset your calendar link"
    if form.validate_on_submit():
        token = calendar.reset_feed(actor)
        return _show_once(token, "Your calendar link has been reset. The old link no longer works.")
    return render_template("reflective/calendar/reset.html", confirm=form)


def _show_once(token: str, message: str) -> Response:
    db.session.commit()
    session[NEW_TOKEN] = token
    flash(message, "success")
    return redirect(url_for(".account"))


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    owner = calendar.owner_of(token)
    if owner is None:
        abort(404)
    body = calendar.build_feed(
        owner,
        utc_now(),
        service_name=current_app.config["SERVICE_NAME"],
        service_url=url_for("pages.home", _external=True),
    )
    response = Response(body, status=200)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="reflective-discussions.ics"'
    # The address is a secret: nothing on the way may keep a copy or pass it on.
    response.headers["Cache-Control"] = "no-store, private, max-age=0"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
