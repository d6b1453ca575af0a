"""A programme's CEL rule in plain Chinese, for the pages that show it (issue 17: "rules render as
readable conditions"): `age >= 80 && ("tekun" in statuses || "dibao" in statuses)` reads
"年满80周岁，且持有特困或低保".

The words are written over the tree `rule_syntax.parse` checks, so every construct the parser accepts
has a sentence: comparisons of age, capability level (by its grade's name), household size and sex,
statuses held, the region (by its name), `in` lists, `size(statuses)`, arithmetic, `&&`, `||`, `!`
and `?:`. Facts without a phrase of their own are named by their Chinese label
(`rule_syntax.FACT_LABELS`), never by their identifier. A rule that cannot be put in words (one stored
before the parser refused it) is shown as its source only to those who may edit it
(`show_source`), and as a plain note to everyone else.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from carecircle.benefits.rule_syntax import FACT_LABELS, INT, Node, RuleError, parsed
from carecircle.core import regions
from carecircle.core.selectors import region_path
from carecircle.registry.models import Sex, StatusKind

# The grades of GB/T 42195-2022 (assessment.types.CapabilityLevel, which may be absent here).
LEVEL_NAMES = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能", 4: "完全失能"}

_CMP_WORDS = {"lt": "小于", "le": "不超过", "gt": "大于", "ge": "不小于", "eq": "为", "ne": "不为"}
_FLIP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}
_ARITH = {"add": "加", "sub": "减", "mul": "乘"}


class Unsupported(Exception):
    """A part of a rule this module has no words for."""


def describe(text: str, *, show_source: bool = False) -> str:
    """The rule `text` in Chinese words. When it cannot be read (it does not parse, or holds a
    construct without words), the source itself for a reader who may edit rules (`show_source`),
    otherwise a note that names no identifier."""
    text = (text or "").strip()
    if not text:
        return _("所有人")
    try:
        return describe_node(parsed(text))
    except (RuleError, Unsupported):
        if show_source:
            return _("（规则：%(r)s）") % {"r": text}
        return _("（条件无法以文字显示，请联系主管部门）")


def describe_node(node: Node) -> str:
    return _Words().sentence(node)


def _unit(fact: str) -> str:
    return {"age": "周岁", "household_size": "人"}.get(fact, "")


def _status(kind: object) -> str:
    try:
        return str(StatusKind(str(kind)).label)
    except ValueError:
        raise Unsupported(kind) from None


def _region(code: str, *, prefix: bool) -> str:
    """A region's name for a whole code or a prefix (its code padded to 12 digits)."""
    full = code.ljust(12, "0") if prefix else code
    if len(full) == 12 and full.isdigit() and (not prefix or len(code) in regions.PREFIX_LENGTH.values()):
        path = region_path(full)
        if path and path[-1].code == full:
            # from the district down ("东湖区文新街道"), or the city or province alone
            return "".join(r.name for r in path if r.level >= regions.DISTRICT) or path[-1].name
    return _("代码为“%(c)s”的区划") % {"c": code}


class _Words:
    def sentence(self, n: Node) -> str:  # noqa: C901 - one case per node kind of rule_syntax
        op = n.op
        if op == "and":
            return "，且".join(self.part(a, "and") for a in _chain(n, "and"))
        if op == "or":
            return self.either(_chain(n, "or"))
        if op == "not":
            return self.negate(n.args[0])
        if op == "cond":
            c, a, b = (self.sentence(x) for x in n.args)
            return _("若%(c)s，则须%(a)s；否则须%(b)s") % {"c": c, "a": a, "b": b}
        if op == "has_status":
            return _("持有%(s)s") % {"s": _status(n.args[0].value)}
        if op == "cmp":
            return self.compare(n.value, n.args[0], n.args[1])
        if op == "in":
            return self.one_of(n.args[0], n.args[1].args)
        if op in ("isnull", "notnull"):
            return self.null(n.args[0], negated=op == "notnull")
        if op in ("startsWith", "endsWith", "contains"):
            return self.text_test(op, n.args[0], n.args[1].value)
        if op == "lit" and isinstance(n.value, bool):
            return _("所有人") if n.value else _("无人")
        raise Unsupported(op)

    def part(self, n: Node, within: str) -> str:
        """A part of an and/or chain, in brackets when it is itself a chain of the other kind."""
        text = self.sentence(n)
        if n.op in ("and", "or", "cond") and n.op != within and not _statuses_only(n):
            return f"（{text}）"
        return text

    def either(self, parts: list[Node]) -> str:
        """An or-chain: the statuses it asks for read as one "持有A、B或C" where they stand."""
        out: list[str] = []
        kinds = [p for p in parts if p.op == "has_status"]
        for p in parts:
            if p.op == "has_status":
                if p is kinds[0]:
                    out.append(_("持有%(s)s") % {"s": _or_list([_status(k.args[0].value) for k in kinds])})
                continue
            out.append(self.part(p, "or"))
        return "，或".join(out)

    def negate(self, n: Node) -> str:
        if n.op == "has_status":
            return _("不持有%(s)s") % {"s": _status(n.args[0].value)}
        if n.op == "or" and _statuses_only(n):
            kinds = [_status(k.args[0].value) for k in _chain(n, "or")]
            return _("不持有%(s)s中的任何一项") % {"s": "、".join(kinds)}
        if n.op == "cmp":
            return self.compare(_negated_cmp(n.value), n.args[0], n.args[1])
        if n.op in ("isnull", "notnull"):
            return self.null(n.args[0], negated=n.op == "isnull")
        if n.op == "not":
            return self.sentence(n.args[0])
        return _("不满足（%(c)s）") % {"c": self.sentence(n)}

    def value(self, n: Node) -> str:
        """An integer or text operand: a fact's label, a number, an expression in words."""
        if n.op == "fact":
            return str(FACT_LABELS.get(n.value, _("某项信息")))
        if n.op == "lit":
            if isinstance(n.value, bool):
                return _("真") if n.value else _("假")
            return f"“{n.value}”" if isinstance(n.value, str) else str(n.value)
        if n.op in _ARITH:
            a, b = (self.value(x) for x in n.args)
            return f"（{a}{_ARITH[n.op]}{b}）"
        if n.op == "neg":
            return _("负%(v)s") % {"v": self.value(n.args[0])}
        if n.op == "size":
            return _("持有的状况项数")
        if n.type != INT:
            return f"（{self.sentence(n)}）"
        raise Unsupported(n.op)

    def compare(self, op: str, a: Node, b: Node) -> str:
        if a.op == "lit" and b.op != "lit":
            a, b, op = b, a, _FLIP[op]
        if a.op == "fact" and b.op == "lit":
            fact, v = a.value, b.value
            if fact == "age" and isinstance(v, int) and not isinstance(v, bool):
                return _age(op, v)
            if fact == "capability_level" and isinstance(v, int) and not isinstance(v, bool):
                return _level(op, v)
            if fact == "sex" and op in ("eq", "ne"):
                return _("性别%(w)s%(s)s") % {"w": _CMP_WORDS[op], "s": _sex(v)}
            if fact == "region" and op in ("eq", "ne"):
                return _("所属社区%(w)s%(r)s") % {"w": _CMP_WORDS[op], "r": _region(str(v), prefix=False)}
            return f"{self.value(a)}{_CMP_WORDS[op]}{v}{_unit(fact)}"
        return f"{self.value(a)}{_CMP_WORDS[op]}{self.value(b)}"

    def one_of(self, a: Node, items: list[Node]) -> str:
        if not items:
            return _("无人")
        values = [i.value for i in items]
        if a.op == "fact" and a.value == "sex":
            shown = [_sex(v) for v in values]
        elif a.op == "fact" and a.value == "region":
            shown = [_region(str(v), prefix=False) for v in values]
        elif a.op == "fact" and a.value == "capability_level":
            shown = [LEVEL_NAMES.get(v, _("%(n)s级") % {"n": v}) for v in values]
        elif a.op == "fact":
            shown = [f"{v}{_unit(a.value)}" for v in values]
        else:
            shown = [str(self.value(i)) for i in items]
        label = _("所属社区") if a.op == "fact" and a.value == "region" else self.value(a)
        return _("%(f)s为%(v)s") % {"f": label, "v": _or_list(shown)}

    def null(self, n: Node, *, negated: bool) -> str:
        if n.op == "fact" and n.value == "capability_level":
            return _("有有效的能力评估") if negated else _("尚无有效的能力评估")
        return (_("%(f)s已知") if negated else _("%(f)s未知")) % {"f": self.value(n)}

    def text_test(self, op: str, fact: Node, arg: str) -> str:
        label = self.value(fact)
        if fact.value == "region" and op == "startsWith":
            return _("居住在%(r)s") % {"r": _region(arg, prefix=True)}
        words = {"startsWith": "以“%(a)s”开头", "endsWith": "以“%(a)s”结尾", "contains": "包含“%(a)s”"}
        return label + words[op] % {"a": arg}


def _chain(n: Node, op: str) -> list[Node]:
    if n.op != op:
        return [n]
    return [p for a in n.args for p in _chain(a, op)]


def _statuses_only(n: Node) -> bool:
    return n.op == "or" and all(p.op == "has_status" for p in _chain(n, "or"))


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "或" + items[-1]


def _negated_cmp(op: str) -> str:
    return {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}[op]


def _sex(v: object) -> str:
    try:
        return str(Sex(str(v)).label)
    except ValueError:
        return f"“{v}”"


def _age(op: str, n: int) -> str:
    if op == "ge":
        return _("年满%(n)d周岁") % {"n": n}
    if op == "gt":
        return _("年满%(n)d周岁") % {"n": n + 1}
    if op == "lt":
        return _("不满%(n)d周岁") % {"n": n}
    if op == "le":
        return _("不满%(n)d周岁") % {"n": n + 1}
    return _("年龄%(w)s%(n)d周岁") % {"w": _CMP_WORDS[op], "n": n}


def _level(op: str, n: int) -> str:
    """Capability levels by their grade's name: `>= 2` is 中度失能及以上."""
    if op == "gt":
        op, n = "ge", n + 1
    elif op == "lt":
        op, n = "le", n - 1
    name = LEVEL_NAMES.get(n)
    if name is None:
        return _("能力等级%(w)s%(n)d级") % {"w": _CMP_WORDS[op], "n": n}
    if op == "ge":
        return (
            _("能力等级为%(l)s") % {"l": name}
            if n == max(LEVEL_NAMES)
            else _("能力等级为%(l)s及以上") % {"l": name}
        )
    if op == "le":
        return (
            _("能力等级为%(l)s") % {"l": name}
            if n == min(LEVEL_NAMES)
            else _("能力等级为%(l)s及以下") % {"l": name}
        )
    return _("能力等级%(w)s%(l)s") % {"w": _CMP_WORDS[op], "l": name}


def fact_words(name: str, value: object) -> str:
    """A fact's value as a page shows it beside a rule's trace: statuses and grades by their names,
    the region by its name, the sex as 男/女; "—" when unknown."""
    if value is None or value == "":
        return "—"
    if name == "statuses" and isinstance(value, list | tuple | set):
        return "、".join(_status_or_raw(k) for k in value) or _("无")
    if name == "capability_level" and isinstance(value, int):
        return LEVEL_NAMES.get(value, _("%(n)s级") % {"n": value})
    if name == "sex":
        return _sex(value).strip("“”")
    if name == "region":
        return _region(str(value), prefix=False)
    return f"{value}{_unit(name)}"


def fact_label(name: str) -> str:
    return str(FACT_LABELS.get(name, _("某项信息")))


def _status_or_raw(kind: object) -> str:
    try:
        return _status(kind)
    except Unsupported:
        return _("其他状况")
