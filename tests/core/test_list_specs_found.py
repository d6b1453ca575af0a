"""A background Excel export finds its list by name (core.lists.spec_named) whichever file of a
module declares it: list_specs.py or a part's own `*list_specs*.py` (workforce's training list,
oversight's credit lists, care at home's parts), even in a worker that has imported none of them."""

import sys

import pytest

from carecircle.core import lists

PARTS = {
    "workforce.training": "carecircle.workforce.training_list_specs",
    "careathome.family_beds": "carecircle.careathome.beds_list_specs",
    "oversight.credit_corrections": "carecircle.oversight.list_specs_credit",
}


@pytest.mark.parametrize("name", sorted(PARTS))
def test_a_list_declared_in_a_part_file_is_found_by_name(name, monkeypatch):
    module = PARTS[name]
    __import__(module)
    assert name in lists._specs, f"{module} should declare {name}"
    monkeypatch.delitem(lists._specs, name)
    monkeypatch.delitem(sys.modules, module)  # a fresh worker: the part not imported yet
    assert lists.spec_named(name).name == name
