"""A test LTI 1.3 platform on loopback: its own RSA key and JWKS, an OAuth2 token endpoint that
checks the tool's client assertion against the tool's JWKS, a line item that records scores,
and a course roster (NRPS). It signs launches like an LMS does."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def new_key():  # noqa: ANN201
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(key, kid: str) -> dict:  # noqa: ANN001
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256",
            "use": "sig"}


class TestPlatform:
    __test__ = False  # not a test class
    client_id = "oefengesprek-client"
    deployment_id = "deployment-1"

    def __init__(self) -> None:
        self.key, self.kid = new_key(), "platform-key-1"
        self.published: list[dict] = [jwk_of(self.key, self.kid)]
        self.scores: list[dict[str, Any]] = []
        self.tokens_issued: list[dict[str, Any]] = []
        self.score_status = 200
        self.members: list[dict[str, Any]] = []
        self.jwks_fetches = 0
        self.tool_jwks = lambda: {"keys": []}  # the tool's JWKS (set by the test: the tool runs in-process)
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def _json(self, status: int, body: Any, ctype: str = "application/json") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                path = urlparse(self.path).path
                if path == "/jwks":
                    platform.jwks_fetches += 1
                    return self._json(200, {"keys": platform.published})
                if path == "/memberships":
                    if not self.headers.get("authorization", "").startswith("Bearer "):
                        return self._json(401, {})
                    return self._json(200, {"id": "roster", "context": {"id": "course-1"},
                                            "members": platform.members},
                                      "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
                return self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode()
                path = urlparse(self.path).path
                if path == "/token":
                    form = {k: v[0] for k, v in parse_qs(raw).items()}
                    claims = platform.check_assertion(form.get("client_assertion", ""))
                    if claims is None or form.get("grant_type") != "client_credentials":
                        return self._json(401, {"error": "invalid_client"})
                    platform.tokens_issued.append({"scope": form.get("scope")})
                    return self._json(200, {"access_token": "tok-" + secrets.token_hex(4), "token_type": "Bearer",
                                            "expires_in": 3600})
                if path == "/lineitems/1/lineitem/scores":
                    if self.headers.get("content-type") != "application/vnd.ims.lis.v1.score+json":
                        return self._json(415, {})
                    if platform.score_status != 200:
                        return self._json(platform.score_status, {})
                    platform.scores.append(json.loads(raw))
                    return self._json(200, {})
                return self._json(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def check_assertion(self, assertion: str) -> dict | None:
        try:
            header = jwt.get_unverified_header(assertion)
            keys = self.tool_jwks()["keys"]
            jwk = next(k for k in keys if k["kid"] == header["kid"])
            return jwt.decode(assertion, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=self.base + "/token",
                              issuer=self.client_id)
        except Exception:  # noqa: BLE001 - anything wrong: refused
            return None

    @property
    def registration(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "client_id": self.client_id, "deployment_ids": [self.deployment_id],
                "auth_login_url": self.base + "/auth", "auth_token_url": self.base + "/token",
                "jwks_url": self.base + "/jwks"}

    def claims(self, nonce: str, *, role: str = "Learner", message_type: str = "LtiResourceLinkRequest",
               sub: str = "user-1", **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            CLAIM + "deployment_id": self.deployment_id, CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": [f"http://purl.imsglobal.org/vocab/lis/v2/membership#{role}"] if role else [],
            CLAIM + "context": {"id": "course-1", "label": "CMB2A", "title": "Commercieel medewerker 2A"},
            CLAIM + "target_link_uri": "http://testserver/lti/launch",
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"id": "link-1", "title": "Oefengesprek printer"}
            claims[CLAIM + "custom"] = {"scenario": "2.3-inbound-printer", "mode": "oefenen"}
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": self.base + "/lineitems", "lineitem": self.base + "/lineitems/1/lineitem"}
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.base + "/memberships", "service_versions": ["2.0"]}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.base + "/deeplink/return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "accept_multiple": True,
                "data": "opaque-platform-data"}
        for key, value in overrides.items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        return claims

    def sign(self, claims: dict[str, Any], *, key=None, kid: str | None = None, alg: str = "RS256") -> str:  # noqa: ANN001
        if alg == "HS256":
            return jwt.encode(claims, "gedeeld-geheim-" * 3, algorithm="HS256", headers={"kid": kid or self.kid})
        return jwt.encode(claims, key or self.key, algorithm=alg, headers={"kid": kid or self.kid})
