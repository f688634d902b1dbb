"""The people of `bench/load.py`, as locust users (run by locust in a process of its own, which
gevent patches; never imported by Django's process). Who they are and what they may act on comes
from the plan `bench/load.py` writes (LOAD_PLAN, JSON): API tokens, the subjects' free records,
the cases waiting for the office or a department, case numbers and names the public asks for.

Each request is named `<who>: <what>`; a request that changes state is named with `POST` first,
which is how bench/load.py counts them. The tasks that change state are tagged `writes`."""

import json
import os
import random
from collections import deque
from itertools import count

from locust import HttpUser, between, tag, task

# Each person's pause between two tasks, in seconds (bench/load.py --think): "1-3", or "0" for none.
THINK = [float(part) for part in os.environ.get("LOAD_THINK", "1-3").split("-")]

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SUBJECTS = deque(PLAN["subjects"])
SUBMITTED = deque(PLAN["submitted"])
VERIFYING = deque(PLAN["verifying"])
STATEMENT = "处罚决定书记载的违法事实与实际情况不符，请予核实更正。"
SERIAL = count()
# The public's own gunicorn (bench/load.py --public-web), else "": the staff's, locust's --host.
PUBLIC_URL = os.environ.get("LOAD_PUBLIC_URL", "")
WRITES = "writes"  # the tasks that change state (bench/load.py --writes-only runs these alone)


def token_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


class Subject(HttpUser):
    """An enterprise's clerk: reads its cases, files an objection to its record and, later,
    withdraws it (the record is then free for the next one)."""

    weight = 3
    wait_time = between(THINK[0], THINK[-1])

    def on_start(self) -> None:
        mine = SUBJECTS.popleft()
        SUBJECTS.append(mine)  # more users than subjects: two clerks of one enterprise
        self.headers, self.record, self.open = token_headers(mine["token"]), mine["record"], mine["open"]

    @task(3)
    def read_cases(self) -> None:
        self.client.get("/api/v1/objections/", headers=self.headers, name="subject: list cases")
        if self.open:
            self.client.get(f"/api/v1/objections/{self.open}/", headers=self.headers, name="subject: read case")

    @tag(WRITES)
    @task(2)
    def object_or_withdraw(self) -> None:
        if self.open is None:
            body = {"record": self.record, "grounds": ["content_error"], "statement": STATEMENT}
            with self.client.post(
                "/api/v1/objections/",
                json=body,
                headers=self.headers,
                name="POST subject: file objection",
                catch_response=True,
            ) as answer:
                if answer.status_code == 201:
                    self.open = answer.json()["number"]
                elif answer.status_code == 409:  # the other clerk filed first: not an error of the server
                    answer.success()
        else:
            number, self.open = self.open, None
            with self.client.post(
                f"/api/v1/objections/{number}/withdraw/",
                json={"reason": "已与部门沟通一致。"},
                headers=self.headers,
                name="POST subject: withdraw",
                catch_response=True,
            ) as answer:
                if answer.status_code == 409:
                    answer.success()


class Officer(HttpUser):
    """A department's officer: works its queue, reads a case, replies to one being verified."""

    weight = 2
    wait_time = between(THINK[0], THINK[-1])

    def on_start(self) -> None:
        self.headers = token_headers(random.choice(PLAN["officers"]))

    @task(3)
    def queue(self) -> None:
        self.client.get("/api/v1/objections/?state=verifying", headers=self.headers, name="officer: queue")

    @tag(WRITES)
    @task(1)
    def reply(self) -> None:
        if not VERIFYING:
            return
        number = VERIFYING.popleft()
        self.client.get(f"/api/v1/objections/{number}/", headers=self.headers, name="officer: read case")
        body = {"outcome": "maintain", "explanation": "经核查，原记录内容无误，予以维持。"}
        self.client.post(
            f"/api/v1/objections/{number}/reply/", json=body, headers=self.headers, name="POST officer: reply"
        )


class Office(HttpUser):
    """The credit office: its desk, its list of objections, accepting what came in."""

    weight = 1
    wait_time = between(THINK[0], THINK[-1])

    def on_start(self) -> None:
        self.headers = token_headers(random.choice(PLAN["office"]))

    @task(2)
    def desk(self) -> None:
        self.client.get("/api/v1/office/dashboard/", headers=self.headers, name="office: dashboard")
        self.client.get("/api/v1/objections/?overdue=true", headers=self.headers, name="office: overdue list")

    @tag(WRITES)
    @task(1)
    def accept(self) -> None:
        if not SUBMITTED:
            return
        number = SUBMITTED.popleft()
        self.client.post(
            f"/api/v1/objections/{number}/accept/",
            json={"comment": ""},
            headers=self.headers,
            name="POST office: accept",
        )


class Public(HttpUser):
    """Anyone: searches the published records by a name or a USCC, follows a case by its number."""

    weight = 4
    wait_time = between(THINK[0], THINK[-1])

    @task(3)
    def search(self) -> None:
        if next(SERIAL) % 3:
            query, name = random.choice(PLAN["names"]), "public: search by name"
        else:
            query, name = random.choice(PLAN["usccs"]), "public: search by USCC"
        self.client.get(f"{PUBLIC_URL}/api/v1/public/records/", params={"q": query}, name=name)

    @task(1)
    def progress(self) -> None:
        number, subject_id = random.choice(PLAN["status"])
        self.client.get(
            f"{PUBLIC_URL}/api/v1/public/status/",
            params={"number": number, "subject_id": subject_id},
            name="public: progress query",
        )
