"""A local stand-in for the parts of Stripe's API that payments uses, for tests and for buying offline.

It answers, in the shapes of Stripe's API reference (form-encoded requests, JSON objects, `{"error": …}`
errors, `Idempotency-Key` replays), so the real `stripe` library talks to it through `STRIPE_API_BASE`:

- `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}`, `POST /v1/checkout/sessions/{id}/expire`;
- `GET /v1/payment_intents/{id}` (with `expand[]=latest_charge`);
- `POST /v1/refunds`.

A session's `url` is the stand-in's own Checkout page (`GET /pay/{id}`): its "Pay" button completes the
session (a PaymentIntent and a Charge appear), sends `checkout.session.completed` to `webhook_url`
signed with `webhook_secret` the way Stripe signs (`t=…,v1=HMAC-SHA256`), and goes back to the
session's `success_url`. A refund sends `charge.refunded` likewise. Tests call `complete()`,
`expire()` and `event()` to build events and deliver them themselves. Every request is kept in
`requests`. Run it with `python manage.py stripe_standin`.
"""

import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_KEY = re.compile(r"[^\[\]]+|\[([^\[\]]*)\]")


def parse_form(body: str) -> dict[str, Any]:
    """`a[b][0][c]=1` → `{"a": {"b": [{"c": "1"}]}}`, the way Stripe reads form-encoded parameters."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [m.group(1) if m.group(1) is not None else m.group(0) for m in _KEY.finditer(key)]
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            node = node.setdefault(part, value if last else {})
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() or k == "" for k in node):
        return [node[k] for k in sorted(node, key=lambda k: int(k or 0))]
    return node


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", param: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.param = status, code, param

    def body(self) -> dict[str, Any]:
        error = {"type": "invalid_request_error", "message": str(self)}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


class StripeStandIn:
    """`with StripeStandIn(webhook_secret=…) as standin: settings.STRIPE_API_BASE = standin.url`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        webhook_url: str = "",
        webhook_secret: str = "whsec_standin",  # noqa: S107 - a test secret of the stand-in
        api_key: str = "",
    ) -> None:
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.api_key = api_key  # "" accepts any Bearer key
        self.requests: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.delivered: list[tuple[str, int]] = []  # (event type, our site's answer)
        self._idempotent: dict[str, tuple[int, dict[str, Any]]] = {}
        self._failures: list[int] = []
        self._lock = threading.RLock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True

    # --- running --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "StripeStandIn":
        threading.Thread(target=self.server.serve_forever, daemon=True, name="stripe-standin").start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "StripeStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(self, status: int, times: int = 1) -> None:
        """The next `times` API requests answer `status` (e.g. 500, 402) with an error body."""
        with self._lock:
            self._failures.extend([status] * times)

    # --- the objects --------------------------------------------------------------------------------

    def session_create(self, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("line_items") or []
        if params.get("mode") != "payment":
            raise StripeError(400, "mode: only payment is supported here", param="mode")
        if not items:
            raise StripeError(400, "line_items is required", param="line_items")
        currencies = {str(i["price_data"]["currency"]).lower() for i in items}
        if len(currencies) != 1:
            raise StripeError(400, "All line items must share one currency", param="line_items")
        total = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity") or 1) for i in items)
        session_id = _id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "client_reference_id": params.get("client_reference_id"),
            "created": int(time.time()),
            "currency": currencies.pop(),
            "customer_email": params.get("customer_email"),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.url}/pay/{session_id}",
            "_line_items": items,
            "_payment_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata") or {},
        }
        self.sessions[session_id] = session
        return self._public(session)

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _session(self, session_id: str) -> dict[str, Any]:
        if session_id not in self.sessions:
            raise StripeError(404, f"No such checkout.session: '{session_id}'", code="resource_missing", param="id")
        return self.sessions[session_id]

    def session_expire(self, session_id: str) -> dict[str, Any]:
        session = self._session(session_id)
        if session["status"] != "open":
            raise StripeError(
                400, f"Only Checkout Sessions with a status of open can be expired. ({session['status']})"
            )
        session["status"] = "expired"
        return self._public(session)

    def complete(self, session_id: str, *, succeed: bool = True) -> dict[str, Any]:
        """Pay an open session as a buyer would (or fail the payment); returns the event(s) Stripe would send."""
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer open.")
            pi_id = session["payment_intent"] or _id("pi")
            session["payment_intent"] = pi_id
            charge_id = _id("ch")
            intent = {
                "id": pi_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"] if succeed else 0,
                "currency": session["currency"],
                "created": int(time.time()),
                "latest_charge": charge_id if succeed else None,
                "livemode": False,
                "metadata": session["_payment_intent_metadata"],
                "payment_method_types": ["card"],
                "status": "succeeded" if succeed else "requires_payment_method",
                "last_payment_error": None
                if succeed
                else {"code": "card_declined", "message": "Your card was declined.", "type": "card_error"},
            }
            self.payment_intents[pi_id] = intent
            if not succeed:
                return self.event("payment_intent.payment_failed", self._public(intent))
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": session["amount_total"],
                "amount_captured": session["amount_total"],
                "amount_refunded": 0,
                "captured": True,
                "currency": session["currency"],
                "created": int(time.time()),
                "livemode": False,
                "metadata": session["_payment_intent_metadata"],
                "paid": True,
                "payment_intent": pi_id,
                "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "4242"}},
                "refunded": False,
                "status": "succeeded",
            }
            session["status"] = "complete"
            session["payment_status"] = "paid"
            return self.event("checkout.session.completed", self._public(session))

    def expire(self, session_id: str) -> dict[str, Any]:
        """Expire a session as Stripe does when its time is up; returns the event."""
        return self.event("checkout.session.expired", self.session_expire(session_id))

    def intent_retrieve(self, pi_id: str, expand: list[str]) -> dict[str, Any]:
        if pi_id not in self.payment_intents:
            raise StripeError(404, f"No such payment_intent: '{pi_id}'", code="resource_missing", param="id")
        intent = dict(self.payment_intents[pi_id])
        if "latest_charge" in expand and intent.get("latest_charge"):
            intent["latest_charge"] = dict(self.charges[intent["latest_charge"]])
        return intent

    def refund_create(self, params: dict[str, Any]) -> dict[str, Any]:
        pi_id = params.get("payment_intent") or ""
        intent = self.payment_intents.get(pi_id)
        if intent is None or not intent.get("latest_charge"):
            raise StripeError(
                404, f"No such payment_intent: '{pi_id}'", code="resource_missing", param="payment_intent"
            )
        charge = self.charges[intent["latest_charge"]]
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount") or left)
        if left <= 0:
            raise StripeError(400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        if amount <= 0 or amount > left:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                code="amount_too_large",
                param="amount",
            )
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": pi_id,
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        charge["refunds"] = {
            "object": "list",
            "data": [r for r in self.refunds.values() if r["charge"] == charge["id"]],
        }
        if self.webhook_url:
            # After the answer, as Stripe does: the caller may still hold its database transaction open.
            threading.Timer(0.5, self._deliver, [self.event("charge.refunded", json.loads(json.dumps(charge)))]).start()
        return refund

    # --- events -----------------------------------------------------------------------------------

    def event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _id("evt"),
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": obj},
        }

    def signed(self, event: dict[str, Any], *, secret: str | None = None) -> tuple[bytes, str]:
        """The body and `Stripe-Signature` header Stripe would send for `event`."""
        payload = json.dumps(event).encode()
        return payload, sign(payload, self.webhook_secret if secret is None else secret)

    def _deliver(self, event: dict[str, Any]) -> None:
        """POST a signed event to `webhook_url`, when one is set (as `stripe listen --forward-to` does)."""
        if not self.webhook_url:
            return
        payload, signature = self.signed(event)
        request = urllib.request.Request(  # noqa: S310 - the site's own webhook address, set by whoever runs us
            self.webhook_url,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                self.delivered.append((event["type"], answer.status))
        except OSError as exc:
            self.delivered.append((event["type"], getattr(exc, "code", 0) or 0))

    # --- HTTP -------------------------------------------------------------------------------------

    def api(self, method: str, path: str, params: dict[str, Any], idempotency_key: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self._failures:
                status = self._failures.pop(0)
                return status, StripeError(status, f"stand-in failure {status}").body()
            if idempotency_key and (method, path, idempotency_key) in self._idempotent:
                return self._idempotent[(method, path, idempotency_key)]
            try:
                answer = self._route(method, path, params)
                result = (200, answer)
            except StripeError as exc:
                result = (exc.status, exc.body())
            except (KeyError, TypeError, ValueError) as exc:
                result = (400, StripeError(400, f"Invalid request: {exc}").body())
            if idempotency_key:
                self._idempotent[(method, path, idempotency_key)] = result
            return result

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        parts = path.strip("/").split("/")
        expand = params.get("expand") or []
        if method == "POST" and parts == ["v1", "checkout", "sessions"]:
            return self.session_create(params)
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            return self._public(self._session(parts[3]))
        if method == "POST" and parts[:3] == ["v1", "checkout", "sessions"] and parts[4:] == ["expire"]:
            return self.session_expire(parts[3])
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            return self.intent_retrieve(parts[2], expand)
        if method == "POST" and parts == ["v1", "refunds"]:
            return self.refund_create(params)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def pay_page(self, session_id: str) -> str:
        session = self._session(session_id)
        rows = "".join(
            f"<li>{html.escape(str(i['price_data']['product_data']['name']))}: "
            f"{int(i['price_data']['unit_amount']) / 100:.2f} {session['currency'].upper()}</li>"
            for i in session["_line_items"]
        )
        status = html.escape(session["status"])
        return (
            "<!doctype html><html lang='en'><meta charset='utf-8'><title>Stripe stand-in Checkout</title>"
            "<body style='font-family:sans-serif;max-width:30rem;margin:3rem auto'>"
            f"<h1>Stripe stand-in</h1><p>Session {html.escape(session_id)} ({status})</p><ul>{rows}</ul>"
            f"<p><strong>Total {session['amount_total'] / 100:.2f} {session['currency'].upper()}</strong></p>"
            f"<form method='post'><button name='action' value='pay'>Pay with test card 4242</button> "
            f"<button name='action' value='decline'>Decline</button></form>"
            f"<p><a href='{html.escape(session['cancel_url'] or '/')}'>Cancel</a></p></body></html>"
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _handle(self, method: str) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                params = parse_form(raw if method == "POST" else split.query)
                standin.requests.append(
                    {"method": method, "path": split.path, "headers": dict(self.headers), "params": params}
                )
                if split.path.startswith("/pay/"):
                    self._pay(method, split.path.removeprefix("/pay/").strip("/"), params)
                    return
                auth = self.headers.get("Authorization") or ""
                if not auth.startswith("Bearer ") or (standin.api_key and auth != f"Bearer {standin.api_key}"):
                    status, data = (
                        401,
                        {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
                    )
                else:
                    status, data = standin.api(method, split.path, params, self.headers.get("Idempotency-Key") or "")
                self._send(status, json.dumps(data).encode(), "application/json", {"Request-Id": _id("req")})

            def _pay(self, method: str, session_id: str, params: dict[str, Any]) -> None:
                try:
                    if method == "GET":
                        self._send(200, standin.pay_page(session_id).encode(), "text/html; charset=utf-8")
                        return
                    event = standin.complete(session_id, succeed=params.get("action") != "decline")
                    standin._deliver(event)
                    session = standin.sessions[session_id]
                    if event["type"] == "checkout.session.completed":
                        target = (session["success_url"] or "/").replace("{CHECKOUT_SESSION_ID}", session_id)
                    else:
                        target = f"/pay/{session_id}"
                    self._send(303, b"", "text/plain", {"Location": target})
                except StripeError as exc:
                    self._send(exc.status, html.escape(str(exc)).encode(), "text/plain; charset=utf-8")

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        return Handler
