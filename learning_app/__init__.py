"""Practice Learning: the application factory."""

from __future__ import annotations

import gc
import logging
from typing import Any

from flask import Flask

from learning_app.config import load_config
from learning_app.extensions import csrf, db, limiter, login_manager, migrate, talisman


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (tests pass theirs here)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder="static",
        # GOV.UK Frontend's stylesheet looks for its fonts and images under /assets.
        static_url_path="/assets",
    )
    app.config.update(load_config(app.instance_path, config))
    from learning_app.core.requests import ServiceRequest

    app.request_class = ServiceRequest
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    import learning_app.core.sqlite  # noqa: F401  (SQLite foreign keys and savepoints)
    import learning_app.models  # noqa: F401  (registers every table)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    _init_extensions(app)

    from learning_app.core.errors import register_error_handlers
    from learning_app.core.jinja import configure_jinja

    configure_jinja(app)
    register_error_handlers(app)
    _register_blueprints(app)
    _register_cli(app)

    from learning_app.analytics.rollups import connect_signals as connect_rollups
    from learning_app.profiles.services import connect_signals

    # Evidence services send a signal; stored profiles follow in the same transaction,
    # and the analytics rollups follow moves in and out of a team's practitioners.
    connect_signals()
    connect_rollups()
    _register_context(app)
    # Everything made so far (models, templates, the URL map) lives as long as the process.
    # Out of the collector's way, a request's full collections no longer walk it all again:
    # that took about 100 ms a page on the analysis pages. A page makes tens of thousands of
    # short-lived objects, so the youngest generation is collected every 50,000, not 700.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return app


def _init_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=_project_path("migrations"),
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        include_object=_include_in_migrations,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    # "basic" keeps the session identifier check without discarding a fresh session.
    login_manager.session_protection = "basic"

    from learning_app.accounts.loader import load_user  # noqa: F401  (registers the loader)

    production = app.config["PRODUCTION"]
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=production,
        frame_options="DENY",
        content_security_policy={
            "default-src": "'self'",
            "script-src": "'self'",
            "style-src": "'self'",
            "img-src": "'self' data:",
            "font-src": "'self'",
            "connect-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        },
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def _include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    # APScheduler owns its job table; autogenerate must not try to drop it.
    return not (type_ == "table" and name == "apscheduler_jobs")


def _project_path(name: str) -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1] / name)


def _register_blueprints(app: Flask) -> None:
    from learning_app.accounts.views import bp as accounts_bp
    from learning_app.admin.audit_views import bp as admin_audit_bp
    from learning_app.admin.framework_views import bp as admin_framework_bp
    from learning_app.admin.org_views import bp as admin_org_bp
    from learning_app.admin.rules_views import bp as admin_rules_bp
    from learning_app.admin.token_views import bp as admin_tokens_bp
    from learning_app.admin.user_views import bp as admin_users_bp
    from learning_app.analytics.oversight_views import bp as analytics_oversight_bp
    from learning_app.analytics.views import bp as analytics_bp
    from learning_app.api.views import bp as api_bp
    from learning_app.assessments.cycle_views import bp as cycles_bp
    from learning_app.assessments.views import bp as self_assessment_bp
    from learning_app.core.pages import bp as pages_bp
    from learning_app.framework.views import bp as framework_bp
    from learning_app.observations.campaign_views import bp as campaigns_bp
    from learning_app.observations.views import bp as observations_bp
    from learning_app.profiles.team_views import bp as team_bp
    from learning_app.profiles.views import bp as development_bp
    from learning_app.reflective.calendar_views import bp as calendar_bp
    from learning_app.reflective.capacity_views import bp as capacity_bp
    from learning_app.reflective.case_event_views import bp as case_events_bp
    from learning_app.reflective.group_views import bp as group_sessions_bp
    from learning_app.reflective.oversight_views import bp as oversight_bp
    from learning_app.reflective.record_views import bp as discussion_records_bp
    from learning_app.reflective.views import bp as discussions_bp
    from learning_app.training.cohort_views import bp as cohorts_bp
    from learning_app.training.plan_views import bp as plans_bp
    from learning_app.training.report_views import bp as training_reports_bp
    from learning_app.training.views import bp as training_bp

    for bp in (
        pages_bp,
        accounts_bp,
        framework_bp,
        development_bp,
        self_assessment_bp,
        team_bp,
        observations_bp,
        cycles_bp,
        campaigns_bp,
        training_bp,
        plans_bp,
        cohorts_bp,
        training_reports_bp,
        discussions_bp,
        discussion_records_bp,
        case_events_bp,
        capacity_bp,
        group_sessions_bp,
        calendar_bp,
        oversight_bp,
        admin_users_bp,
        admin_org_bp,
        admin_framework_bp,
        admin_rules_bp,
        admin_audit_bp,
        admin_tokens_bp,
        analytics_bp,
        analytics_oversight_bp,
        api_bp,
    ):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from learning_app.accounts.cli import register_cli as register_accounts_cli
    from learning_app.analytics.cli import register_cli as register_analytics_cli
    from learning_app.bench.cli import register_cli as register_bench_cli
    from learning_app.demo.cli import register_cli as register_demo_cli
    from learning_app.framework.cli import register_cli as register_framework_cli
    from learning_app.observations.cli import register_cli as register_retention_cli
    from learning_app.profiles.cli import register_cli as register_profiles_cli
    from learning_app.reflective.cli import register_cli as register_scheduler_cli
    from learning_app.training.cli import register_cli as register_training_cli

    register_accounts_cli(app)
    register_framework_cli(app)
    register_demo_cli(app)
    register_profiles_cli(app)
    register_retention_cli(app)
    register_training_cli(app)
    register_scheduler_cli(app)
    register_analytics_cli(app)
    register_bench_cli(app)


def _register_context(app: Flask) -> None:
    from learning_app.core.navigation import service_navigation

    @app.context_processor
    def inject_layout() -> dict[str, Any]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "service_navigation": service_navigation,
        }
