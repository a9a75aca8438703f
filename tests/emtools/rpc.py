"""Clients that talk to a running Odoo the way integrations do (standard library only).

Three transports, one interface: ``client.call(model, method, *args, **kwargs)``.

- ``XmlRpc``: ``/xmlrpc/2/common`` authenticate, ``/xmlrpc/2/object`` execute_kw;
- ``JsonRpc``: ``/jsonrpc`` with service ``common``/``object`` (login and password each call);
- ``WebSession``: ``/web/session/authenticate`` then ``/web/dataset/call_kw`` with the
  session cookie, as the web client does.

A server-side ``UserError``/``AccessError``/... comes back as ``Refused`` with the
exception's kind and message, whatever the transport, so tests read the same on all three.
"""

import contextlib
import itertools
import json
import urllib.request
import xmlrpc.client

# /xmlrpc/2 fault codes (odoo/addons/rpc/controllers/xmlrpc.py)
_FAULT_KINDS = {2: "UserError", 3: "AccessDenied", 4: "AccessError"}


class Refused(Exception):
    """The server refused the call with an Odoo exception (not a crash)."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class ServerCrash(Exception):
    """The server answered with an unexpected error (a traceback), not a refusal."""


def _kind_from_name(name):
    """'odoo.exceptions.AccessError' -> 'AccessError'; anything else unchanged."""
    return (name or "").rsplit(".", 1)[-1]


class _Client:
    transport = "?"

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.db = db
        self.login = login
        self.password = password
        self.uid = None

    def __repr__(self):
        return f"<{self.transport} {self.login}@{self.db}>"

    # Conveniences every flow uses
    def read_one(self, model, record_id, fields):
        records = self.call(model, "read", [record_id], fields)
        assert len(records) == 1, f"{self.login} read {len(records)} {model} for id {record_id}"
        return records[0]

    def ref(self, xmlid):
        """Database id of an XML id (ir.model.data is for administrators only)."""
        module, name = xmlid.split(".", 1)
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
            limit=1,
        )
        assert rows, f"no XML id {xmlid}"
        return rows[0]["res_id"]


class XmlRpc(_Client):
    transport = "xmlrpc"

    def __init__(self, url, db, login, password):
        super().__init__(url, db, login, password)
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise Refused("AccessDenied", f"{login} could not log in to {db}")
        self._object = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        try:
            return self._object.execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            kind = _FAULT_KINDS.get(fault.faultCode)
            if kind is None:
                raise ServerCrash(fault.faultString) from None
            raise Refused(kind, fault.faultString) from None


_REQUEST_IDS = itertools.count(1)


def _post_json(url, params, cookie=None):
    payload = {"jsonrpc": "2.0", "method": "call", "id": next(_REQUEST_IDS), "params": params}
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
        set_cookie = response.headers.get("Set-Cookie")
    if "error" in body:
        data = body["error"].get("data") or {}
        name = data.get("name", "")
        if name.startswith("odoo.exceptions."):
            raise Refused(_kind_from_name(name), data.get("message", ""))
        raise ServerCrash(f"{name}: {data.get('message')}\n{data.get('debug', '')}")
    return body["result"], set_cookie.split(";", 1)[0] if set_cookie else None


class JsonRpc(_Client):
    transport = "jsonrpc"

    def __init__(self, url, db, login, password):
        super().__init__(url, db, login, password)
        self.uid = self._rpc("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise Refused("AccessDenied", f"{login} could not log in to {db}")

    def _rpc(self, service, method, *args):
        result, __ = _post_json(
            f"{self.url}/jsonrpc", {"service": service, "method": method, "args": list(args)}
        )
        return result

    def call(self, model, method, *args, **kwargs):
        return self._rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


class WebSession(_Client):
    transport = "web"

    def __init__(self, url, db, login, password):
        super().__init__(url, db, login, password)
        try:
            info, self.cookie = _post_json(
                f"{self.url}/web/session/authenticate",
                {"db": db, "login": login, "password": password},
            )
        except Refused as refusal:
            raise Refused("AccessDenied", f"{login} could not log in: {refusal.message}") from None
        self.uid = info.get("uid")
        if not self.uid or not self.cookie:
            raise Refused("AccessDenied", f"{login} could not log in to {db}")

    def call(self, model, method, *args, **kwargs):
        result, __ = _post_json(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            cookie=self.cookie,
        )
        return result


TRANSPORTS = {cls.transport: cls for cls in (XmlRpc, JsonRpc, WebSession)}


@contextlib.contextmanager
def expect_refusal(*texts, kind=None):
    """Assert the block is refused with an Odoo exception whose message names every text.

        with expect_refusal("Business Analyst is not set", kind="UserError") as refusal:
            manager.call("engagement.engagement", "action_move_to_stage", [eid], stage)
        refusal.message  # the whole text, for further checks

    A crash (traceback) or success fails the test: a refusal must be deliberate.
    """
    holder = _RefusalHolder()
    try:
        yield holder
    except Refused as refusal:
        holder.kind, holder.message = refusal.kind, refusal.message
    else:
        raise AssertionError(f"expected a refusal naming {texts!r}, but the call succeeded")
    if kind is not None:
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        assert holder.kind in kinds, (
            f"refused with {holder.kind}, expected {kinds}: {holder.message}"
        )
    missing = [text for text in texts if text not in holder.message]
    assert not missing, f"the refusal does not name {missing!r}:\n{holder.message}"


class _RefusalHolder:
    kind = None
    message = None
