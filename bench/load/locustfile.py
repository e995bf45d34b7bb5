"""Fifty members of staff at work: lists, household pages, return visits recorded on the phone form.

Started by bench/load/run.py (loopback only, bounded in time); not meant to point at a server
anyone else uses. Request names starting with "list:" are the list pages the 1 s p95 goal is for.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

USERS = itertools.cycle(os.environ.get("LOAD_USERS", "load01").split(","))
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EMPLOYMENT = re.compile(r'name="(employment_\d+)"')
FORM_ERROR = re.compile(r'class="(?:invalid-feedback d-block|alert alert-danger)"[^>]*>(?:<div>)?([^<]+)<')


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": next(USERS), "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure(f"login refused: {response.status_code}")
        self.households = []
        self.list_households()

    @task(4)
    def list_households(self):
        page = random.randint(1, 5)
        response = self.client.get(f"/households/?page={page}", name="list: households")
        found = HOUSEHOLD_LINK.findall(response.text)
        if found:
            self.households = found

    @task(2)
    def list_alerts(self):
        self.client.get("/monitoring/alerts/", name="list: alerts")

    @task(1)
    def list_visits_due(self):
        self.client.get("/monitoring/visits/due/", name="list: visits due")

    @task(1)
    def list_cases(self):
        self.client.get("/monitoring/cases/", name="list: cases")

    @task(3)
    def open_household(self):
        if self.households:
            self.client.get(f"/households/{random.choice(self.households)}/", name="household page")

    @task(1)
    def record_visit(self):
        if not self.households:
            return
        url = f"/monitoring/households/{random.choice(self.households)}/visit/"
        form = self.client.get(url, name="visit form")
        if form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "visited_on": __import__("datetime").date.today().isoformat(),
            "findings": "压力测试回访：家中情况稳定，务工收入正常。",
            "wage_income": str(random.randint(1500, 4000)),
        }
        for field in EMPLOYMENT.findall(form.text):
            data[field] = "local"
        with self.client.post(url, data, name="visit save", allow_redirects=False, catch_response=True) as saved:
            if saved.status_code != 302:
                # The form's own error messages (no personal data), so that a failure says why.
                why = "; ".join(FORM_ERROR.findall(saved.text))[:200]
                saved.failure(f"visit not saved: {saved.status_code} {why}")
