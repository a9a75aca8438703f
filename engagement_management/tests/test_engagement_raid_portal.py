from http import HTTPStatus

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .attacker_common import AttackerCommon


@tagged("post_install", "-at_install")
class TestEngagementRaidPortal(HttpCase, AttackerCommon):
    """The customer takes part on their engagement's page: they read the plan and the
    published status reports, answer the dependencies they own, and talk with the team.
    Nobody else answers for them, by any path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.pm, cls.manager, cls.admin, cls.portal):
            user.password = user.login
        cls.stranger_customer = cls.env["res.partner"].create(
            {"name": "Zenith Foods", "is_company": True}
        )
        cls.stranger = new_test_user(
            cls.env, "em_raid_stranger", groups="base.group_portal", name="Zed"
        )
        cls.stranger.password = cls.stranger.login
        cls.stranger.partner_id.parent_id = cls.stranger_customer
        Raid = cls.env["engagement.raid.item"]
        cls.internal_risk = Raid.create(
            {
                "engagement_id": cls.engagement.id,
                "kind": "risk",
                "name": "Budget may be cut in phase 2",
                "probability": "4",
                "impact": "5",
                "mitigation": "Keep the phase 2 scope small.",
            }
        )
        cls.shared_assumption = Raid.create(
            {
                "engagement_id": cls.engagement.id,
                "kind": "assumption",
                "name": "Tariffs stay as signed off",
                "customer_visible": True,
            }
        )
        project = cls.env["project.project"].create(
            {"name": "Warehouse system", "partner_id": cls.customer.id, "allow_milestones": True}
        )
        cls.engagement.project_id = project
        cls.env["project.milestone"].create(
            [
                {"project_id": project.id, "name": "Design signed", "deadline": "2026-02-01"},
                {"project_id": project.id, "name": "Go-live", "deadline": "2026-06-01"},
            ]
        )
        project.milestone_ids.filtered(lambda m: m.name == "Design signed").is_reached = True
        Report = cls.env["engagement.status.report"]
        cls.published = Report.create(
            {
                "engagement_id": cls.engagement.id,
                "date": "2026-03-02",
                "summary": "Tariff engine delivered.",
                "risks": "<p>The PM worries about the budget.</p>",
            }
        )
        cls.published.action_publish()
        cls.draft_report = Report.create(
            {"engagement_id": cls.engagement.id, "date": "2026-03-09", "summary": "Not yet."}
        )
        cls.token = cls.engagement._portal_ensure_token()
        cls.portal_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.portal)
            .sudo()
            ._generate("rpc", "Attacker", None)
        )

    def _answer(self, item, state="closed", answer="Exported on Friday.", token=None):
        data = {"state": state, "answer": answer, "csrf_token": http.Request.csrf_token(self)}
        if token:
            data["access_token"] = token
        return self.url_open(f"/my/raid_items/{item.id}/answer", data=data)

    def _unanswered(self):
        self.dependency.invalidate_recordset()
        self.assertEqual((self.dependency.state, self.dependency.customer_answer), ("open", False))

    # ------------------------------------------------------------------ the customer

    def test_the_customer_reads_the_plan_the_reports_and_what_is_shared(self):
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open(self.engagement.access_url)
        self.assertEqual(page.status_code, HTTPStatus.OK)
        text = page.text
        # The plan: the project's milestones, with whether they are reached.
        self.assertIn("Design signed", text)
        self.assertIn("Go-live", text)
        self.assertIn("Reached", text)
        # The published report, not the draft, and nothing internal of it.
        self.assertIn("Tariff engine delivered.", text)
        self.assertIn(f"status_report_{self.published.id}", text)
        self.assertNotIn("Not yet.", text)
        self.assertNotIn("The PM worries", text)
        # What is shared, and nothing else of the log.
        self.assertIn("Tariffs stay as signed off", text)
        self.assertIn("Test data from the warehouse", text)
        self.assertNotIn(self.internal_risk.name, text)
        self.assertNotIn("phase 2 scope", text)
        # The dependency they own has its form; the assumption has none.
        self.assertIn(f"/my/raid_items/{self.dependency.id}/answer", text)
        self.assertNotIn(f"/my/raid_items/{self.shared_assumption.id}/answer", text)
        # The conversation, which the customer posts on with the customer's link.
        self.assertIn('id="discussion"', text)
        self.assertIn(f'data-token="{self.token}"', text)

    def test_the_customer_marks_their_dependency_done_and_answers(self):
        self.authenticate(self.portal.login, self.portal.login)
        response = self._answer(self.dependency)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertIn("your answer was sent to the team", response.text)
        self.dependency.invalidate_recordset()
        self.assertEqual(
            (
                self.dependency.state,
                self.dependency.customer_answer,
                self.dependency.answered_partner_id,
            ),
            ("closed", "Exported on Friday.", self.portal.partner_id),
        )
        note = self.engagement.message_ids[0]
        self.assertEqual(note.author_id, self.portal.partner_id)
        self.assertIn("answered by Carla Customer: Closed", note.body)
        self.assertIn("Exported on Friday.", note.body)
        activity = self.dependency.activity_ids
        self.assertEqual(activity.user_id, self.pm)
        # Nothing to send is refused, with nothing changed.
        response = self._answer(self.dependency, state="closed", answer="")
        self.assertIn("Nothing was sent", response.text)
        # A state the customer may not give is refused too.
        self._answer(self.dependency, state="mitigating", answer="Forged")
        self.dependency.invalidate_recordset()
        self.assertEqual(self.dependency.customer_answer, "Exported on Friday.")
        # Open again, with a new answer.
        self._answer(self.dependency, state="open", answer="Two files are missing.")
        self.dependency.invalidate_recordset()
        self.assertEqual(
            (self.dependency.state, self.dependency.customer_answer),
            ("open", "Two files are missing."),
        )

    def test_the_link_sent_to_the_customer_answers_without_a_login(self):
        self.authenticate(None, None)
        response = self._answer(self.dependency, token=self.token)
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.dependency.invalidate_recordset()
        self.assertEqual(self.dependency.state, "closed")
        self.assertFalse(self.dependency.answered_partner_id)

    def test_the_customer_posts_on_the_conversation_and_the_pm_reads_it(self):
        self.authenticate(self.portal.login, self.portal.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "engagement.engagement",
                "thread_id": self.engagement.id,
                "post_data": {"body": "The test data is on the SFTP.", "message_type": "comment"},
                "token": self.token,
            },
        )
        message = self.engagement.with_user(self.pm).message_ids[0]
        self.assertEqual(message.author_id, self.portal.partner_id)
        self.assertIn("The test data is on the SFTP.", message.body)

    def test_the_home_counts_what_waits_on_the_customer(self):
        self.authenticate(self.portal.login, self.portal.login)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "engagement_count",
                    "engagement_waiting_count",
                    "engagement_deliverable_waiting_count",
                    "engagement_change_order_waiting_count",
                ]
            },
        )
        # One engagement, waiting on their dependency and on the one approved change order
        # (the others are a draft, submitted, signed, countersigned or applied); the
        # deliverable sent to them is signed.
        self.assertEqual(
            counters,
            {
                "engagement_count": 1,
                "engagement_waiting_count": 1,
                "engagement_deliverable_waiting_count": 0,
                "engagement_change_order_waiting_count": 1,
            },
        )
        # An employee is waited on by nothing there.
        self.authenticate(self.pm.login, self.pm.login)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["engagement_waiting_count"]}
        )
        self.assertEqual(counters, {"engagement_waiting_count": 0})

    def test_the_rating_at_the_close_is_on_the_page(self):
        self.customer.email = "office@acme.example.com"
        template = self.env.ref("engagement_management.mail_template_engagement_rating")
        self.engagement.rating_send_request(template, force_send=False)
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "engagement.engagement"), ("res_id", "=", self.engagement.id)]
        )
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open(self.engagement.access_url).text
        self.assertIn(f"/rate/{rating.access_token}/5", page)
        # An employee on the page gets no rating link: the rating is the customer's.
        self.authenticate(self.pm.login, self.pm.login)
        page = self.url_open(f"{self.engagement.access_url}?access_token={self.token}").text
        self.assertNotIn(rating.access_token, page)

    # ------------------------------------------------------------------ the attackers

    def test_an_employee_on_the_page_never_answers_for_the_customer(self):
        for user in (self.pm, self.manager, self.admin):
            self.authenticate(user.login, user.login)
            with self.subTest(user=user.login):
                page = self.url_open(f"{self.engagement.access_url}?access_token={self.token}")
                self.assertEqual(page.status_code, HTTPStatus.OK)
                self.assertNotIn(f"/my/raid_items/{self.dependency.id}/answer", page.text)
                # Without the link, the page never hands them the customer's token.
                page = self.url_open(self.engagement.access_url)
                self.assertNotIn(self.token, page.text)
                for token in (None, self.token):
                    refused = self._answer(self.dependency, token=token)
                    self.assertNotEqual(refused.status_code, HTTPStatus.OK)
        self._unanswered()

    def test_another_customer_a_wrong_link_and_an_item_not_theirs_get_nothing(self):
        self.authenticate(self.stranger.login, self.stranger.login)
        self.assertEqual(
            self.url_open(self.engagement.access_url).status_code, HTTPStatus.NOT_FOUND
        )
        for token in (None, "not-the-token"):
            self.assertEqual(self._answer(self.dependency, token=token).status_code, 404)
        self.authenticate(None, None)
        self.assertEqual(self._answer(self.dependency, token="not-the-token").status_code, 404)
        self._unanswered()
        # The customer themselves: an internal item is not found, a shared assumption is
        # not theirs to answer.
        self.authenticate(self.portal.login, self.portal.login)
        self.assertEqual(self._answer(self.internal_risk).status_code, HTTPStatus.NOT_FOUND)
        self.assertNotEqual(self._answer(self.shared_assumption).status_code, HTTPStatus.OK)
        for item in (self.internal_risk, self.shared_assumption):
            item.invalidate_recordset()
            self.assertEqual((item.state, item.customer_answer), ("open", False))

    def test_a_portal_users_rpc_reads_what_is_shared_and_writes_nothing(self):
        headers = {"Authorization": f"Bearer {self.portal_key}"}

        def call(method, payload):
            return self.url_open(
                f"/json/2/engagement.raid.item/{method}", json=payload, headers=headers
            )

        fields = sorted(self.dependency._portal_fields)
        allowed = call("read", {"ids": self.dependency.ids, "fields": fields})
        self.assertEqual(allowed.status_code, HTTPStatus.OK, allowed.text)
        for name in ("owner_id", "score", "mitigation", "message_follower_ids"):
            refused = call("read", {"ids": self.dependency.ids, "fields": [name]})
            self.assertEqual(refused.status_code, HTTPStatus.FORBIDDEN, name)
        never_shared = call("read", {"ids": self.internal_risk.ids, "fields": ["name"]})
        self.assertEqual(never_shared.status_code, HTTPStatus.FORBIDDEN)
        for method, payload in (
            ("write", {"ids": self.dependency.ids, "vals": {"state": "closed"}}),
            ("write", {"ids": self.dependency.ids, "vals": {"customer_answer": "Forged"}}),
            ("create", {"vals_list": [{"engagement_id": self.engagement.id, "name": "X"}]}),
            ("unlink", {"ids": self.dependency.ids}),
            ("_portal_answer", {"ids": self.dependency.ids, "state": "closed", "answer": "X"}),
            (
                "load",
                {"fields": [".id", "state"], "data": [[str(self.dependency.id), "closed"]]},
            ),
        ):
            with self.subTest(method=method):
                refused = call(method, payload)
                self.assertNotEqual(refused.status_code, HTTPStatus.OK, refused.text)
        self._unanswered()
        self.assertTrue(self.dependency.exists())

    def test_members_never_forge_the_customers_answer(self):
        for env in (self.dependency.with_user(self.pm), self.dependency.with_user(self.admin)):
            with self.subTest(user=env.env.user.login):
                with self.assertRefused(UserError, "(customer_answer)"):
                    env.write({"customer_answer": "Done, says the PM"})
                with self.assertRefused(UserError, "(customer_answer)"):
                    env.with_context(default_customer_answer="Forged").create(
                        {
                            "engagement_id": self.engagement.id,
                            "kind": "dependency",
                            "name": "Forged",
                            "customer_answer": "Forged",
                        }
                    )
        created = (
            self.env["engagement.raid.item"]
            .with_user(self.pm)
            .with_context(default_customer_answer="Forged", default_answered_partner_id=1)
            .create({"engagement_id": self.engagement.id, "name": "Context keys"})
        )
        self.assertEqual((created.customer_answer, created.answered_partner_id.id), (False, False))
        # Following the dependency grants nothing more: the outsider still reads nothing.
        self.dependency.with_user(self.outsider).sudo().message_subscribe(
            partner_ids=self.outsider.partner_id.ids
        )
        with self.assertRaises(AccessError):
            self.dependency.with_user(self.outsider).write({"state": "closed"})
        self._unanswered()
