"""The demo tally of `make run`: an example election with protocols in every state, conflicts and flags."""

from sqlalchemy import select

from config import BASE_DIR
from school.models import CheckIn, OfficialResult, ProtocolCopy, User
from school.services import official, tally, tally_flags
from school.services.content import load_content, read_content
from school.services.demo import seed_demo
from school.services.demo_tally import seed_tally
from school.services.demo_voting import seed_voting_day


def test_demo_election_has_conflicts_flags_and_official_figures(db, tmp_path):
    load_content(db.session, read_content(str(BASE_DIR / "courses"), str(BASE_DIR / "quizzes")))
    seed_demo(db.session)
    seed_voting_day(db.session)
    election = seed_tally(db.session, str(tmp_path))
    assert election is not None and seed_tally(db.session, str(tmp_path)) is None
    mazhilis, maslikhat = election.contests
    copies = list(db.session.scalars(select(ProtocolCopy).filter_by(contest_id=mazhilis.id)))
    assert {c.state for c in copies} == {"first", "second", "reconciled"}
    assert {c.verdict for c in copies} == {None, "rejected"} and any(c.quarantined for c in copies)
    rows = tally.load(db.session, mazhilis)
    flags = {f.row.number: {flag.kind for flag in f.flags}
             for f in tally_flags.flags(mazhilis, rows, tally_flags.Rules())}
    assert "turnout" in flags[206] and "identical" in flags[209] and "relation" in flags[203]
    assert tally.totals(mazhilis, rows).city.counted == 9
    differences = official.compare(db.session, mazhilis, rows).differences
    assert {(d.row.number, d.code) for d in differences} == {(201, "party_a"), (201, "party_d"), (211, "issued"),
                                                             (203, "party_a")}
    assert db.session.query(OfficialResult).count() == 11
    assert db.session.scalar(select(ProtocolCopy).filter_by(contest_id=maslikhat.id, state="reconciled"))
    consultant = db.session.scalar(select(User).filter_by(login="consultant1-1"))
    assert db.session.scalar(select(CheckIn.protocol_at).filter_by(consultant_id=consultant.id))
    assert len(list(tmp_path.glob("*.jpg"))) == 2 * (len(copies) + 6)
