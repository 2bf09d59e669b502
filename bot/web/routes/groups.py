"""The student's side of groups: join a klas with its code, see one's klassen and the
scenarios the teachers set (the picker shows those first)."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Request

from bot.store.ratelimit import RateLimited
from bot.teaching import groups
from bot.teaching.groups import GroupError
from bot.web.conversations import rate_limited
from bot.web.deps import DbDep, IdentityDep, client_address
from bot.web.errors import ApiError
from bot.web.schemas.accounts import AssignmentView, GroupRef, MyGroups
from bot.web.schemas.common import READ, WRITE, errors
from bot.web.schemas.requests import JoinGroup

router = APIRouter(prefix="/api/v1", tags=["klassen"])


def _mine(db, student_id: str) -> MyGroups:  # noqa: ANN001
    with db.read() as session:
        return MyGroups(groups=[GroupRef(**g) for g in groups.student_groups(session, student_id)],
                        assignments=[AssignmentView(**a) for a in groups.student_assignments(session, student_id)])


@router.post("/klassen", status_code=201, response_model=MyGroups, responses=errors(*WRITE, 404),
             summary="Word lid van een klas met de klascode")
def join(body: JoinGroup, request: Request, identity: IdentityDep, db: DbDep) -> MyGroups:
    try:
        with db.transaction() as conn:
            groups.count_join_attempt(conn, identity.student_id, client_address(request))
    except RateLimited as exc:
        raise rate_limited(exc) from None
    try:
        with db.transaction() as conn:
            groups.join_group(conn, identity.student_id, body.code, now=datetime.now(timezone.utc))
    except GroupError as exc:
        raise ApiError(404, "unknown_join_code", str(exc)) from None
    return _mine(db, identity.student_id)


@router.get("/klassen", response_model=MyGroups, responses=errors(*READ),
            summary="Mijn klassen en de opdrachten van mijn docenten")
def my_groups(identity: IdentityDep, db: DbDep) -> MyGroups:
    return _mine(db, identity.student_id)
