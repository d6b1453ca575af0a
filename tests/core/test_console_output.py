"""Clean console output (issue 17, item 7): the commands print only their own messages, in Chinese
(no solver banner), and a file served under ASGI (`carecircle serve`, uvicorn) raises no Django
warning ("StreamingHttpResponse must consume synchronous iterators …")."""

import io
import re
import warnings

import pytest
from django.core.management import call_command
from django.test import override_settings

from carecircle.core.asgi_handler import OneHopASGIHandler
from tests.asgi import asgi_get, status_of

# Lines a library prints on its own: the HiGHS/SciPy solver banners and progress tables.
FOREIGN = re.compile(
    r"Running HiGHS|HiGHS|Presolving|Presolve|Solving MIP|Coefficient ranges|Objective value|"
    r"Optimization terminated|Primal bound|Dual bound|StreamingHttpResponse|Warning",
    re.I,
)
HAN = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(
    r"(?<![\w-])[a-z]+(?:_[a-z]+)+(?![\w-])"
)  # an internal code (community_centre) in a sentence


def _foreign_lines(text: str) -> list[str]:
    """Lines with a library's words or an internal code, or with no Chinese at all (every line of ours
    says something in Chinese; figures and names stand inside a Chinese sentence)."""
    return [
        line
        for line in text.splitlines()
        if line.strip() and (FOREIGN.search(line) or CODE.search(line) or not HAN.search(line))
    ]


@pytest.mark.django_db(transaction=True)
def test_generate_prints_only_its_own_chinese_lines(capfd) -> None:
    out, err = io.StringIO(), io.StringIO()
    # --fresh: flushes and loads the reference data again (a transactional test before may have emptied it)
    call_command("generate", scale=0.0003, seed=7, fresh=True, stdout=out, stderr=err)
    captured = capfd.readouterr()  # what a library writes to the process's own stdout/stderr (HiGHS does)
    text = "\n".join([out.getvalue(), err.getvalue(), captured.out, captured.err])
    assert out.getvalue().strip(), "the command said nothing"
    assert not _foreign_lines(text), _foreign_lines(text)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_a_static_file_under_asgi_raises_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sent = asgi_get(OneHopASGIHandler(), "/static/carecircle/app.css")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert status_of(sent) == 200 and b"{" in body
