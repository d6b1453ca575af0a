"""A programme's rule in words on a page (benefits/rule_text.py).

    {% load benefits_rules %}
    {% rule_words programme.target_rule %}   年满80周岁，且持有特困或低保

A rule that cannot be put in words shows its source only to a reader who may edit programmes
(benefits.manage), and a plain note to everyone else.
"""

from typing import Any

from django import template

from carecircle.benefits import rule_text
from carecircle.core import scope

register = template.Library()


@register.simple_tag(takes_context=True)
def rule_words(context: template.Context, rule: str) -> str:
    user: Any = context.get("user")
    return rule_text.describe(rule, show_source=user is not None and scope.has_perm(user, "benefits.manage"))


@register.simple_tag
def fact_words(name: str, value: object) -> str:
    """`{% fact_words "statuses" value %}`: 特困、本地户籍; the label with `{% fact_label name %}`."""
    return rule_text.fact_words(name, value)


@register.simple_tag
def fact_label(name: str) -> str:
    return rule_text.fact_label(name)
