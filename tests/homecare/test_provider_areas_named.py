"""A provider's service areas read as region names on its page, never as bare 12-digit codes."""

import re


def test_provider_page_names_its_service_areas(world, client_for, users):
    body = client_for(users["admin"]).get(f"/homecare/providers/{world['provider'].pk}/").content.decode()
    text = re.sub(r"<[^>]+>", " ", body)
    assert "东湖区" in text
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", text) == []
