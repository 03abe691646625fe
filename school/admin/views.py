from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import District, Memo, Module, PollingStation, Question, Quiz, Recheck, Team, User
from ..models._types import utcnow
from ..services import attempt_requests, audit, invitations
from ..services import organisation as org
from ..services.accounts import AccountError, create_user, set_password
from ..services.question_types import REGISTRY
from . import bp
from .forms import DistrictForm, StationForm, TeamForm, UserForm
from .seminar_views import deadline_list

PAGE = 50


def _choices(form):
    teams = db.session.execute(
        select(Team.id, Team.name, District.name).join(District).order_by(District.name, Team.name))
    districts = [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]
    stations = db.session.execute(select(PollingStation.id, PollingStation.number).order_by(PollingStation.number))
    team_choices = [(0, "— нет —")] + [(t, f"{n} ({d})") for t, n, d in teams]
    for name, choices in (("district_id", districts), ("team_id", team_choices),
                          ("polling_station_id", [(0, "— нет —")] + [(s, f"№ {n}") for s, n in stations])):
        if name in form:
            form[name].choices = choices


@bp.get("/")
@role_required("admin")
def index():
    return render_template("admin/index.html", overview=org.overview(db.session),
                           pending_requests=attempt_requests.pending_count(db.session), missing=deadline_list())


def _create(form, title: str, done: str, create):
    """Validate, run create() in one transaction, and show the rule it broke under the name field."""
    if form.validate_on_submit():
        try:
            create()
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("admin.index"))
        except org.OrganisationError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
    return render_template("admin/form.html", form=form, title=title), 400 if form.errors else 200


@bp.route("/districts/new", methods=["GET", "POST"])
@role_required("admin")
def new_district():
    form = DistrictForm()
    return _create(form, "Новый район", "Район добавлен.", lambda: org.create_district(db.session, form.name.data))


@bp.route("/teams/new", methods=["GET", "POST"])
@role_required("admin")
def new_team():
    form = TeamForm()
    _choices(form)
    return _create(form, "Новая бригада", "Бригада добавлена.", lambda: org.create_team(
        db.session, db.get_or_404(District, form.district_id.data), form.name.data))


@bp.get("/stations")
@role_required("admin")
def stations():
    rows = db.session.scalars(select(PollingStation).options(selectinload(PollingStation.team),
                              selectinload(PollingStation.district)).order_by(PollingStation.number))
    return render_template("admin/stations.html", stations=rows)


@bp.route("/stations/new", methods=["GET", "POST"], defaults={"station_id": None})
@bp.route("/stations/<int:station_id>", methods=["GET", "POST"])
@role_required("admin")
def station(station_id):
    station = db.get_or_404(PollingStation, station_id) if station_id else None
    form = StationForm(obj=station, team_id=station.team_id or 0 if station else 0)
    _choices(form)
    if form.validate_on_submit():
        try:
            team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
            saved = org.save_station(db.session, station, db.get_or_404(District, form.district_id.data),
                                     form.number.data, form.address.data or "", team)
            saved.opens_at, saved.closes_at = form.opens_at.data, form.closes_at.data
            db.session.commit()
            flash("Участок сохранён.", "success")
            return redirect(url_for("admin.stations"))
        except org.OrganisationError as exc:
            db.session.rollback()
            form.number.errors.append(str(exc))
    title = f"Участок № {station.number}" if station else "Новый участок"
    return render_template("admin/form.html", form=form, title=title), 400 if form.errors else 200


@bp.get("/users")
@role_required("admin")
def users():
    q = (request.args.get("q") or "").strip()
    page = max(1, request.args.get("page", 1, type=int))
    stmt = select(User).options(selectinload(User.team), selectinload(User.polling_station)).order_by(User.full_name)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(User.full_name).like(like) | func.lower(User.login).like(like))
    rows = db.paginate(stmt, page=page, per_page=PAGE, error_out=False)
    return render_template("admin/users.html", users=rows, q=q)


def _apply_user(form, user):
    team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    station = db.session.get(PollingStation, form.polling_station_id.data) if form.polling_station_id.data else None
    org.check_assignment(db.session, user, form.role.data, team, station)
    if user is None:
        user = create_user(db.session, form.login.data, form.full_name.data, form.role.data)
        db.session.flush()
        audit.record(db.session, current_user.id, "user.create", user.id, role=form.role.data)
    elif user.role != form.role.data:
        audit.record(db.session, current_user.id, "user.role", user.id, old=user.role, new=form.role.data)
    else:
        audit.record(db.session, current_user.id, "user.update", user.id)
    user.full_name, user.role, user.team, user.polling_station = form.full_name.data, form.role.data, team, station
    user.phone = (form.phone.data or "").strip()
    if form.active.data != user.active:
        user.active = form.active.data
        user.session_version += 1  # deactivation ends sessions at once
    if form.password.data:
        set_password(user, form.password.data)
    return user


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user, team_id=(user.team_id or 0) if user else 0,
                    polling_station_id=(user.polling_station_id or 0) if user else 0)
    _choices(form)
    if user:
        form.login.render_kw = {"readonly": True}
        form.login.data = user.login
    if form.validate_on_submit():
        try:
            _apply_user(form, user)
            db.session.commit()
            flash("Учётная запись сохранена.", "success")
            return redirect(url_for("admin.users"))
        except (AccountError, org.OrganisationError) as exc:
            db.session.rollback()
            form.full_name.errors.append(str(exc))
    title = user.full_name if user else "Новая учётная запись"
    extra = {}
    if user:
        extra = {"user_id": user.id, "has_password": bool(user.password_hash),
                 "is_consultant": user.role == "consultant"}
    return render_template("admin/form.html", form=form, title=title, **extra), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/link")
@role_required("admin")
def password_link(user_id):
    """A one-time link to set (new account) or reset the password, to send by messenger or email."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = invitations.create(db.session, user, "reset" if user.password_hash else "invite", current_user.id)
    db.session.commit()
    link = url_for("auth.invitation", token=token, _external=True)
    return render_template("admin/link.html", user=user, link=link)


@bp.get("/invitations")
@role_required("admin")
def pending_invitations():
    return render_template("admin/invitations.html", invitations=invitations.pending(db.session), now=utcnow())


@bp.get("/audit")
@role_required("admin")
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    entries = audit.recent(db.session, limit=PAGE, offset=(page - 1) * PAGE)
    return render_template("admin/audit.html", entries=entries, page=page, actions=audit.ACTIONS, per_page=PAGE)


@bp.get("/content")
@role_required("admin")
def content():
    """Modules, sections, memos and quiz banks as loaded, for the center's staff to preview."""
    modules = db.session.scalars(select(Module).options(selectinload(Module.sections)).order_by(Module.position))
    quizzes = db.session.execute(select(Quiz, func.count(Question.id)).outerjoin(
        Question, (Question.quiz_id == Quiz.id) & Question.active).where(Quiz.id.not_in(select(Recheck.quiz_id)))
        .group_by(Quiz.id).order_by(Quiz.slug)).all()
    memos = db.session.scalars(select(Memo).order_by(Memo.position))
    return render_template("admin/content.html", modules=list(modules), quizzes=quizzes, memos=list(memos))


@bp.get("/content/quizzes/<slug>")
@role_required("admin")
def quiz_bank(slug):
    """Every active question of a bank with its key, as the staff edit them in quizzes/<slug>.txt."""
    quiz = db.first_or_404(select(Quiz).filter_by(slug=slug))
    questions = db.session.scalars(select(Question).filter_by(quiz_id=quiz.id, active=True).order_by(Question.position))
    return render_template("admin/quiz_bank.html", quiz=quiz, questions=list(questions), types=REGISTRY)
