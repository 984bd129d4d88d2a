"""After a run: is every acknowledged answer stored exactly once, and every response sound?"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

from bench.load.respondent import Browser, Respondent
from survey_app.config import normalise_database_url
from survey_app.services.tokens import hash_secret


@dataclass
class Verdict:
    respondents: int = 0
    acknowledged_answers: int = 0
    stored_answers: int = 0
    completed: int = 0
    lost: list[str] = field(default_factory=list)
    wrong_value: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    completion_mismatch: list[str] = field(default_factory=list)
    not_resumable: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.wrong_value
            or self.duplicated
            or self.completion_mismatch
            or self.not_resumable
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "respondents": self.respondents,
            "acknowledged_answers": self.acknowledged_answers,
            "stored_answers_of_respondents": self.stored_answers,
            "completed": self.completed,
            "lost": self.lost[:20],
            "wrong_value": self.wrong_value[:20],
            "duplicated": self.duplicated[:20],
            "completion_mismatch": self.completion_mismatch[:20],
            "not_resumable": self.not_resumable[:20],
        }


def check_database(database_url: str, respondents: list[Respondent]) -> Verdict:
    """Compare what respondents saw acknowledged with what the database holds."""
    verdict = Verdict(respondents=len(respondents))
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        duplicates = connection.execute(
            text(
                "SELECT response_id, question_key, count(*) FROM answer "
                "GROUP BY response_id, question_key HAVING count(*) > 1"
            )
        ).all()
        verdict.duplicated.extend(f"{r[0]}:{r[1]} x{r[2]}" for r in duplicates)
        per_invitation = connection.execute(
            text(
                "SELECT invitation_id, count(*) FROM response WHERE invitation_id IS NOT NULL "
                "GROUP BY invitation_id HAVING count(*) > 1"
            )
        ).all()
        verdict.duplicated.extend(f"invitation {r[0]}: {r[1]} responses" for r in per_invitation)
        for respondent in respondents:
            row = connection.execute(
                text(
                    "SELECT r.id, r.completed_at, i.completed_at FROM invitation i "
                    "LEFT JOIN response r ON r.invitation_id = i.id WHERE i.token_hash = :hash"
                ),
                {"hash": hash_secret(respondent.token)},
            ).first()
            label = respondent.token[:8]
            if row is None or row[0] is None:
                if respondent.acknowledged or respondent.completed:
                    verdict.lost.append(f"{label}: no response at all")
                continue
            stored = dict(
                connection.execute(
                    text("SELECT question_key, value FROM answer WHERE response_id = :id"),
                    {"id": row[0]},
                ).all()
            )
            verdict.stored_answers += len(stored)
            verdict.acknowledged_answers += len(respondent.acknowledged)
            for key, value in respondent.acknowledged.items():
                if key not in stored:
                    verdict.lost.append(f"{label}:{key}")
                elif stored[key] != value:
                    verdict.wrong_value.append(f"{label}:{key} saw {value} stored {stored[key]}")
            if respondent.completed:
                verdict.completed += 1
                if row[1] is None or row[2] is None:
                    verdict.completion_mismatch.append(f"{label}: saw thanks, not completed")
    engine.dispose()
    return verdict


def check_resumable(port: int, respondents: list[Respondent], verdict: Verdict) -> None:
    """Every unfinished respondent, coming back with the same cookie, lands on a working page."""
    from bench.load.metrics import Recorder

    recorder = Recorder()
    for respondent in respondents:
        if respondent.completed or not respondent.cookies:
            continue
        browser = Browser(port, recorder, retry_budget_s=30)
        browser.cookies = dict(respondent.cookies)
        try:
            path, status, _page = browser.get_following("/s/", "resume")
        except Exception as error:
            verdict.not_resumable.append(f"{respondent.token[:8]}: {error}")
            continue
        finally:
            browser.close()
        expected = path in ("/s/start", "/s/review") or path.startswith("/s/q/")
        if status != 200 or not expected:
            verdict.not_resumable.append(f"{respondent.token[:8]}: /s/ led to {path} ({status})")


def count_rows(database_url: str) -> Counter[str]:
    engine = create_engine(normalise_database_url(database_url))
    counts: Counter[str] = Counter()
    with engine.connect() as connection:
        for table in ("response", "answer", "invitation", "submission_key"):
            counts[table] = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - fixed names
    engine.dispose()
    return counts
