"""Parsing CEL rules (benefits/rules.py has the whole story): celpy's parser turns the text into
its syntax tree, and `_Builder` into our small checked `Node` tree; a rule naming an unknown fact or
using a construct we cannot compile to SQL is refused here with its line and column."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NoReturn

import celpy
from celpy.celparser import CELParseError
from django.utils.translation import gettext as _
from lark import Token

from carecircle.core.errors import InvalidInput
from carecircle.registry.models import StatusKind

INT, STR, BOOL, LIST, NULL = "int", "string", "bool", "list", "null"

FACTS = {
    "age": (INT, False),
    "sex": (STR, False),
    "region": (STR, False),
    "statuses": (LIST, False),
    "capability_level": (INT, True),
    "household_size": (INT, False),
}
FACT_LABELS = {
    "age": "年龄",
    "sex": "性别",
    "region": "所属区划",
    "statuses": "状况",
    "capability_level": "能力等级",
    "household_size": "家庭户人数",
}


class RuleError(InvalidInput):
    code = "rule_invalid"


@dataclass
class Node:
    op: str
    args: list[Node] = field(default_factory=list)
    value: Any = None  # a literal's value, a fact's name or an operator's symbol, by `op`
    type: str = BOOL
    nullable: bool = False
    text: str = ""
    pos: tuple[int, int] = (1, 1)


def _err(message: str, node_or_meta, rule_field: str) -> RuleError:
    line, col = node_or_meta if isinstance(node_or_meta, tuple) else (1, 1)
    return RuleError(
        _("第%(l)d行第%(c)d列：%(m)s") % {"l": line, "c": col, "m": message},
        field=rule_field,
        line=line,
        column=col,
    )


@lru_cache(maxsize=1)
def _env() -> celpy.Environment:
    return celpy.Environment()


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> Node:
    return parse(text)


def parse(text: str, *, rule_field: str = "rule") -> Node:
    """Parse and check a CEL rule; raise RuleError with the position when it is not usable."""
    text = (text or "").strip()
    if not text:
        raise RuleError(_("条件不能为空"), field=rule_field)
    try:
        tree = _env().compile(text)
    except CELParseError as exc:
        line, col = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        raise _err(_("CEL 语法错误"), (line, col), rule_field) from None
    node = _Builder(text, rule_field).build(tree)
    if node.type != BOOL:
        raise _err(_("条件的结果必须是真/假"), node.pos, rule_field)
    return node


def parsed(text: str) -> Node:
    """A cached parse of a rule already accepted when it was saved."""
    return _parse_cached((text or "").strip())


class _Builder:
    def __init__(self, text: str, rule_field: str):
        self.text, self.field = text, rule_field

    def fail(self, message, tree) -> NoReturn:
        raise _err(message, self.pos(tree), self.field)

    def pos(self, tree) -> tuple[int, int]:
        meta = getattr(tree, "meta", None)
        if isinstance(tree, Token):
            return (tree.line or 1, tree.column or 1)
        if meta is not None and not getattr(meta, "empty", True):
            return (meta.line, meta.column)
        return (1, 1)

    def src(self, tree) -> str:
        meta = getattr(tree, "meta", None)
        if meta is not None and not getattr(meta, "empty", True):
            return self.text[meta.start_pos : meta.end_pos]
        return ""

    def node(self, op, tree, *, args=(), value=None, type=BOOL, nullable=False) -> Node:
        return Node(op, list(args), value, type, nullable, self.src(tree), self.pos(tree))

    def build(self, t) -> Node:  # noqa: C901 - one case per grammar rule
        if isinstance(t, Token):
            self.fail(_("无法识别的内容"), t)
        kids = t.children
        d = t.data
        if d == "expr":
            if len(kids) == 1 or kids[1] is None:
                return self.build(kids[0])
            c, a, b = (self.build(k) for k in kids)
            self.want(c, BOOL, kids[0])
            self.want(a, BOOL, kids[1])
            self.want(b, BOOL, kids[2])
            return self.node("cond", t, args=[c, a, b])
        if d in ("conditionalor", "conditionaland"):
            if len(kids) == 1 or kids[0] is None:
                return self.build(kids[-1])
            a, b = self.build(kids[0]), self.build(kids[1])
            self.want(a, BOOL, kids[0])
            self.want(b, BOOL, kids[1])
            return self.node("or" if d == "conditionalor" else "and", t, args=[a, b])
        if d == "relation":
            if len(kids) == 1 or kids[0] is None:
                return self.build(kids[-1])
            op_tree, right = kids
            op = op_tree.data.removeprefix("relation_")
            a, b = self.build(op_tree.children[0]), self.build(right)
            return self.relation(op, a, b, t)
        if d in ("addition", "multiplication"):
            if len(kids) == 1 or kids[0] is None:
                return self.build(kids[-1])
            op_tree, right = kids
            op = op_tree.data.split("_")[1]
            if op in ("div", "mod"):
                self.fail(_("不支持除法和取余"), op_tree)
            a, b = self.build(op_tree.children[0]), self.build(right)
            self.want(a, INT, op_tree)
            self.want(b, INT, right)
            return self.node(op, t, args=[a, b], type=INT, nullable=a.nullable or b.nullable)
        if d == "unary":
            if len(kids) == 1:
                return self.build(kids[0])
            kind, inner_tree = kids
            inner = self.build(inner_tree)
            if kind.data == "unary_not":
                self.want(inner, BOOL, inner_tree)
                return self.node("not", t, args=[inner])
            self.want(inner, INT, inner_tree)
            return self.node("neg", t, args=[inner], type=INT, nullable=inner.nullable)
        if d in ("member", "primary"):
            return self.build(kids[0])
        if d == "paren_expr":
            return self.build(kids[0])
        if d == "ident":
            name = str(kids[0])
            if name not in FACTS:
                self.fail(_("未知的事实：%(n)s（可用：%(all)s）") % {"n": name, "all": "、".join(FACTS)}, t)
            typ, nullable = FACTS[name]
            return self.node("fact", t, value=name, type=typ, nullable=nullable)
        if d == "literal":
            return self.literal(kids[0], t)
        if d == "list_lit":
            items = [self.build(e) for e in (kids[0].children if kids and kids[0] is not None else [])]
            for item, e in zip(items, kids[0].children if items else [], strict=False):
                if item.op != "lit":
                    self.fail(_("列表中只能写常量"), e)
            types = {i.type for i in items}
            if len(types) > 1:
                self.fail(_("列表中的常量类型须一致"), t)
            return self.node("list", t, args=items, type=LIST, value=types.pop() if types else None)
        if d == "member_dot_arg":
            target_tree, method, args_tree = kids
            target = self.build(target_tree)
            args = [self.build(e) for e in (args_tree.children if args_tree is not None else [])]
            name = str(method)
            if name in ("startsWith", "endsWith", "contains"):
                if target.type != STR or target.op != "fact":
                    self.fail(_("%(m)s 只能用于文字型事实（如 region）") % {"m": name}, t)
                if len(args) != 1 or args[0].op != "lit" or args[0].type != STR:
                    self.fail(_("%(m)s 的参数须为一个文字常量") % {"m": name}, t)
                return self.node(name, t, args=[target, args[0]])
            self.fail(_("不支持的函数：%(m)s") % {"m": name}, t)
        if d == "ident_arg":
            name, args_tree = str(kids[0]), kids[1]
            args = [self.build(e) for e in (args_tree.children if args_tree is not None else [])]
            if name == "size" and len(args) == 1 and args[0].type == LIST and args[0].op == "fact":
                return self.node("size", t, args=args, type=INT)
            self.fail(_("不支持的函数：%(m)s") % {"m": name}, t)
        self.fail(_("不支持的写法"), t)

    def literal(self, tok: Token, t) -> Node:
        kind = tok.type
        raw = str(tok)
        if kind == "INT_LIT":
            return self.node("lit", t, value=int(raw, 0), type=INT)
        if kind == "STRING_LIT":
            return self.node("lit", t, value=_string_value(raw), type=STR)
        if kind == "BOOL_LIT":
            return self.node("lit", t, value=raw == "true", type=BOOL)
        if kind == "NULL_LIT":
            return self.node("lit", t, value=None, type=NULL, nullable=True)
        self.fail(_("不支持的常量：%(v)s") % {"v": raw}, t)

    def want(self, node: Node, typ: str, tree):
        if node.type != typ:
            names = {INT: "整数", STR: "文字", BOOL: "真/假", LIST: "列表", NULL: "null"}
            self.fail(_("此处需要%(w)s，却是%(g)s") % {"w": names[typ], "g": names[node.type]}, tree)

    def relation(self, op: str, a: Node, b: Node, t) -> Node:
        if op == "in":
            if b.op == "fact" and b.value == "statuses":
                if a.op != "lit" or a.type != STR:
                    self.fail(_('只能写 "状况代码" in statuses'), t)

                if a.value not in StatusKind.values:
                    self.fail(
                        _("未知的状况代码：%(k)s（可用：%(all)s）")
                        % {"k": a.value, "all": "、".join(StatusKind.values)},
                        t,
                    )
                return self.node("has_status", t, args=[a, b])
            if b.op != "list":
                self.fail(_("in 的右边须为常量列表或 statuses"), t)
            if b.args and b.value != a.type:
                self.fail(_("列表常量与左边的类型不一致"), t)
            return self.node("in", t, args=[a, b])
        if a.type == NULL or b.type == NULL:
            if op not in ("eq", "ne"):
                self.fail(_("null 只能用 == 或 != 比较"), t)
            other = b if a.type == NULL else a
            if not other.nullable:
                self.fail(_("此事实不会为空，无需与 null 比较"), t)
            return self.node("isnull" if op == "eq" else "notnull", t, args=[other])
        if a.type != b.type or a.type not in (INT, STR, BOOL):
            self.fail(_("比较两边的类型不一致"), t)
        if a.type in (STR, BOOL) and op not in ("eq", "ne"):
            self.fail(_("文字只能比较相等或不等"), t)
        return self.node("cmp", t, args=[a, b], value=op)


def _string_value(raw: str) -> str:
    # CEL's quoting and escapes for plain strings are Python's; raw strings keep their backslashes.
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw[1:-1]
    return value if isinstance(value, str) else raw[1:-1]


def facts_used(node: Node) -> set[str]:
    out = {node.value} if node.op == "fact" else set()
    for a in node.args:
        out |= facts_used(a)
    return out
