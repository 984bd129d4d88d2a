"""A bare Flask app with the survey's URLs and redirects, for the framework ceiling.

Same gunicorn, same config, same simulated respondents as the real survey,
but each page is a constant string: no database, no session, no templates,
no security hooks. The difference between this and Écoute under the same load
is what the application itself costs; what is left is Flask + gunicorn +
the load client on this machine. Run as ``gunicorn bench.hello_app:app``.
"""

from __future__ import annotations

from flask import Flask, redirect, request

QUESTIONS = [f"q{number}" for number in range(1, 13)]
HIDDEN = (
    '<input type="hidden" name="submission_key" value="0123456789abcdef0123456789abcdef">'
    '<input type="hidden" name="revision" value="0">'
)
CHOICES = "".join(
    f'<input type="radio" name="answer" value="{code}">' for code in ("1", "2", "3", "4", "5")
)

app = Flask(__name__)


def _page(action: str, body: str = "") -> str:
    return (
        f'<!doctype html><title>hello</title><form method="post" action="{action}">'
        f"{HIDDEN}{body}<button>Continue</button></form>"
    )


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/s/<token>")
def open_link(token: str):
    return redirect("/s/", code=303)


@app.get("/s/")
def resume():
    return redirect("/s/start", code=303)


@app.route("/s/start", methods=["GET", "POST"])
def consent():
    if request.method == "POST":
        return redirect(f"/s/q/{QUESTIONS[0]}", code=303)
    return _page("/s/start")


@app.route("/s/q/<key>", methods=["GET", "POST"])
def question(key: str):
    if request.method == "POST":
        index = QUESTIONS.index(key) + 1 if key in QUESTIONS else len(QUESTIONS)
        target = f"/s/q/{QUESTIONS[index]}" if index < len(QUESTIONS) else "/s/review"
        return redirect(target, code=303)
    return _page(f"/s/q/{key}", CHOICES)


@app.route("/s/review", methods=["GET", "POST"])
def review():
    if request.method == "POST":
        return redirect("/s/done", code=303)
    return _page("/s/review")


@app.get("/s/done")
def done() -> str:
    return "<!doctype html><title>thanks</title><p>Thank you</p>"
