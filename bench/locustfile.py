"""Staff on real paths, for ``make load`` (bench/load.py starts Locust with this file).

Each simulated person logs in with a seeded account (bench/load.py writes their list to the
file in LOAD_PEOPLE) and then, with think time between, opens their inbox, opens a case from
it, starts a case by completing its first step with an uploaded PDF (Admin PPE), downloads a
case record PDF, opens Monev (heads) or searches the archive (auditors).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import io
import threading

from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"], encoding="utf-8").read())
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-lpse-2026")

# A request that got no answer at all (its gunicorn worker was killed mid-request) has no URL;
# it is a failure, counted, not an error inside the test that Locust would leave uncounted.
NO_ANSWER = "no answer: the connection was lost"


def _blank_pdf() -> bytes:
    """A one-page PDF that parses (the upload checks refuse one that does not)."""
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()
CASE_LINK = re.compile(rb'href="/kasus/(\d+)/"')
_next_person = itertools.cycle(PEOPLE)
_lock = threading.Lock()


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            self.person = next(_next_person)
        # As a person would: when the login page or the login itself got no answer (a worker
        # killed), try again, up to three times; each failed attempt is counted.
        self.cases: list[str] = []
        for _attempt in range(3):
            if self._log_in():
                break

    def _log_in(self) -> bool:
        self.client.get("/masuk/", name="/masuk/")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/masuk/", data={"username": self.person["username"], "password": PASSWORD,
                                               "csrfmiddlewaretoken": token},
                              headers={"Referer": self.client.base_url + "/masuk/"}, name="/masuk/ (POST)",
                              catch_response=True) as answer:
            if not answer.url:
                answer.failure(NO_ANSWER)
                return False
            if "/masuk/" in answer.url:  # the form again: the password (or the form's token) was refused
                answer.failure(f"login refused for {self.person['username']}")
                return False
            return True

    def _get(self, url: str, name: str):
        """A page as its person: sent to the login page instead is a failure, not a success."""
        with self.client.get(url, name=name, catch_response=True) as answer:
            if not answer.url:
                answer.failure(NO_ANSWER)
            elif "/masuk/" in answer.url:
                answer.failure("not logged in")
            return answer

    def _csrf(self) -> dict:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    @task(5)
    def inbox(self) -> None:
        answer = self._get("/tugas/", "/tugas/")
        self.cases = [m.decode() for m in CASE_LINK.findall(answer.content or b"")][:20] or self.cases

    @task(3)
    def open_case(self) -> None:
        if self.cases:
            self._get(f"/kasus/{random.choice(self.cases)}/", "/kasus/[id]/")

    @task(2)
    def start_case_with_upload(self) -> None:
        start = self.person.get("start")
        if not start:
            return
        fields = {**self._csrf(), "title": f"Beban {random.randrange(10**9)}", "note": ""}
        files = {}
        for key, kind in start["inputs"].items():
            if kind == "document":
                files[key] = (f"{key}.pdf", PDF, "application/pdf")
            else:
                fields[key] = f"Isian uji beban {key}"
        with self.client.post(start["url"], data=fields, files=files, name="/kasus/mulai/[id]/ (POST, unggah)",
                              headers={"Referer": self.client.base_url + start["url"]}, catch_response=True) as answer:
            if not answer.url:
                answer.failure(NO_ANSWER)
            elif not re.search(r"/kasus/\d+/$", answer.url):  # a started case opens its page
                answer.failure(f"case not started: {answer.url}")

    @task(1)
    def case_record_pdf(self) -> None:
        if self.cases:
            self._get(f"/kasus/{random.choice(self.cases)}/rekaman.pdf", "/kasus/[id]/rekaman.pdf")

    @task(1)
    def monev_or_archive(self) -> None:
        if self.person["role"] == "auditor":
            word = random.choice(["SPSE", "Pokja", "akun", "pemeliharaan", "Admin"])
            self._get(f"/arsip/?q={word}", "/arsip/?q=")
        elif self.person["role"] == "kepala_lpse":
            self._get("/monev/", "/monev/")
