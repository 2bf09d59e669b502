"""The launch and deep-linking flows against an independent platform implementation: the PyPI
package `lti1p3platform` builds the OIDC login request, signs the launches and validates our
deep-linking response with our published JWKS."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.lti import platforms
from tests.lti_platform import TestPlatform

lti1p3platform = pytest.importorskip("lti1p3platform", reason="lti1p3platform (dev extra) not installed")

from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract  # noqa: E402
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract  # noqa: E402
from lti1p3platform.oidc_login import OIDCLoginAbstract  # noqa: E402
from lti1p3platform.registration import Registration  # noqa: E402
from lti1p3platform.request import Request  # noqa: E402

TOOL = "http://testserver"


class PlainRequest(Request):
    def build_metadata(self, request):  # noqa: ANN001, ANN201
        return {"method": "GET", "form_data": {}, "get_data": request, "headers": {}, "content_type": None,
                "path": "/", "json": None}


class Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs) -> None:  # noqa: ANN003
        self.registration_given = kwargs["registration"]

    def get_registration_by_params(self, **kwargs):  # noqa: ANN003, ANN201
        return self.registration_given


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs) -> None:  # noqa: ANN003
        self._lti_message_hint = kwargs.get("hint", "resource-1")

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):  # noqa: ANN001, ANN003, ANN201
        return launch_data


@pytest.fixture()
def setup(make_client, tmp_path):
    keyserver = TestPlatform()  # serves lti1p3platform's JWKS on loopback
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    registration = (Registration().set_iss(keyserver.issuer).set_client_id("interop-client")
                    .set_deployment_id("interop-deployment").set_oidc_login_url(f"{TOOL}/lti/login")
                    .set_launch_url(f"{TOOL}/lti/launch").set_platform_public_key(public)
                    .set_platform_private_key(private))
    keyserver.published = registration.get_jwks()
    tool = make_client(lti_grade_interval=0)
    with tool.app.state.db.transaction() as conn:
        platforms.add_platform(conn, issuer=keyserver.issuer, client_id="interop-client",
                               deployment_ids=["interop-deployment"], auth_login_url=keyserver.base + "/auth",
                               auth_token_url=keyserver.base + "/token", jwks_url=keyserver.base + "/jwks")
    registration.set_tool_key_set(tool.get("/.well-known/jwks.json").json())
    yield tool, registration
    keyserver.close()


def _preflight(tool, registration) -> dict:  # noqa: ANN001
    config = Platform(registration=registration)
    login = Login(PlainRequest({}), config)
    login.set_lti_message_hint(hint="resource-1")
    url = login.initiate_login("user-42")
    r = tool.get(url.replace(TOOL, ""), follow_redirects=False)
    assert r.status_code == 302, r.text
    return {k: v[0] for k, v in parse_qs(urlparse(r.headers["location"]).query).items()}


def test_resource_link_launch_from_lti1p3platform(setup) -> None:
    tool, registration = setup
    preflight = _preflight(tool, registration)
    launch = Launch(PlainRequest(preflight), Platform(registration=registration))
    launch.set_user_data("user-42", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                         full_name="Noor Bakker")
    launch.set_resource_link_claim("resource-1", title="Printer verkopen")
    launch.set_launch_context_claim("course-9", context_title="CMB 2B")
    launch.set_custom_parameters_claim({"scenario": "2.3-inbound-printer"})
    data = launch.lti_launch()
    assert data["launch_url"] == f"{TOOL}/lti/launch"
    r = tool.post("/lti/launch", data={"id_token": data["id_token"], "state": data["state"]}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/embed?scenario=2.3-inbound-printer")
    assert tool.get("/api/v1/me").json()["student"]["display_name"] == "Noor Bakker"


def test_deep_linking_with_lti1p3platform(setup) -> None:
    tool, registration = setup
    registration.set_deeplink_launch_url(f"{TOOL}/lti/launch")
    preflight = _preflight(tool, registration)
    config = Platform(registration=registration)
    config.get_registration()
    launch = Launch(PlainRequest(preflight), config)
    launch.set_user_data("teacher-7", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
                         full_name="Ilse de Wit")
    launch.set_launch_context_claim("course-9", context_title="CMB 2B")
    launch.set_dl("https://platform.example/deeplink/return", title="Oefengesprek", accept_types={"ltiResourceLink"},
                  extra_data={"course": "9"})
    data = launch.lti_launch()
    r = tool.post("/lti/launch", data={"id_token": data["id_token"], "state": data["state"]})
    assert r.status_code == 200 and "Oefengesprek toevoegen" in r.text
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = tool.post("/lti/inhoud", data={"csrf": csrf, "ticket": ticket, "scenario": "2.6-orderprobleem-bureaus",
                                       "modus": "oefenen", "cijfer": "ja"})
    token = re.search(r'name="JWT" value="([^"]+)"', r.text).group(1)
    items = config.validate_deeplinking_resp({"JWT": token})
    assert items[0]["type"] == "ltiResourceLink" and items[0]["custom"]["scenario"] == "2.6-orderprobleem-bureaus"
    assert items[0]["lineItem"]["scoreMaximum"] == 100
