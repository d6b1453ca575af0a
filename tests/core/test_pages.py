"""The core's pages follow docs/directory-guide.md "Writing a page": the second factor's set-up page
and a new API token each have a view of their own, input comes through core/forms.py, a bad value
is a 422 with the message on the form, and the sign-in pages keep their answers (200 with the
refusal's message)."""

import pyotp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from carecircle.core.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD


def test_a_refused_sign_in_is_shown_on_the_page_as_before(users):
    client = Client(REMOTE_ADDR="10.9.0.1")
    r = client.post("/accounts/login/?next=/people/", {"username": "inspector", "password": "Wrong#Passw0rd"})
    assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    r = client.post("/accounts/login/", {"username": "inspector", "password": PASSWORD, "next": "/people/"})
    assert r.status_code == 302 and r["Location"] == "/people/"
    r = Client().post(
        "/accounts/login/", {"username": "inspector", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == "/"


def test_an_enrolling_session_reaches_the_set_up_pages_actions_and_nothing_else(users):
    client = Client()
    r = client.post("/accounts/login/", {"username": "street", "password": PASSWORD, "next": "/people/"})
    assert r["Location"].startswith("/accounts/totp/?next=")
    for path in ("/people/", "/accounts/", "/benefits/", "/accounts/tokens/new/"):
        assert client.get(path)["Location"].startswith("/accounts/totp/?next="), path
    page = client.post("/accounts/totp/begin/", {"next": "/people/"})
    user = User.objects.get(username="street")
    assert page.status_code == 200 and user.totp_secret in page.content.decode()
    wrong = client.post("/accounts/totp/confirm/", {"code": "000000", "next": "/people/"})
    assert wrong.status_code == 422 and "动态口令不正确" in wrong.content.decode()
    assert user.totp_secret in wrong.content.decode()  # the secret is still shown to finish setting up
    done = client.post(
        "/accounts/totp/confirm/", {"code": pyotp.TOTP(user.totp_secret).now(), "next": "/people/"}
    )
    assert done.status_code == 302 and done["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="user.totp_enabled", object_id=str(user.pk)).count() == 1


def test_starting_over_while_a_second_factor_is_on_is_shown_on_the_form(users, client_for):
    user = users["inspector"]
    user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
    user.save(update_fields=["totp_secret", "totp_enabled"])
    r = client_for(user).post("/accounts/totp/begin/")
    assert r.status_code == 422 and "动态口令已启用" in r.content.decode()
    user.refresh_from_db()
    assert user.totp_enabled
    assert client_for(user).get("/accounts/totp/begin/").status_code == 405


def test_a_new_api_token_through_its_own_view(users, client_for):
    client = client_for(users["inspector"])
    bad = client.post("/accounts/tokens/new/", {"name": ""})
    assert bad.status_code == 422 and "请填写令牌用途" in bad.content.decode()
    assert not ApiToken.objects.filter(user=users["inspector"]).exists()
    r = client.post("/accounts/tokens/new/", {"name": "数据对接"})
    token = ApiToken.objects.get(user=users["inspector"])
    assert r.status_code == 200 and 'id="new-token"' in r.content.decode() and token.name == "数据对接"
    assert 'id="new-token"' not in client.get("/accounts/").content.decode()  # shown once


def test_a_refused_region_file_is_shown_on_the_form(users, client_for):
    client = client_for(users["district"])
    table = "区划代码,名称\n339901001003,新社区\n".encode()
    with override_settings(CARECIRCLE_UPLOAD_MAX_BYTES=len(table) - 1):
        r = client.post("/regions/", {"file": SimpleUploadedFile("r.csv", table)})
    assert r.status_code == 422 and "文件过大" in r.content.decode() and "导入区划表" in r.content.decode()
    r = client.post("/regions/", {})
    assert r.status_code == 422 and "请选择文件" in r.content.decode()
