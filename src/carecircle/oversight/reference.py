"""The default inspection-item list (检查事项清单) and sampling shares, loaded idempotently (by
migration 0002 into every database, and by `ensure()` after the database is emptied).

Every item names the law, regulation or standard it rests on; where an article number is not
certain, the citation names the chapter or the whole document rather than a guessed article. A
city edits the list as data (admin); `ensure()` only adds what is missing and never overwrites it.
"""

from decimal import Decimal
from typing import Any

from carecircle.oversight import credit, warnings
from carecircle.oversight.models import (
    CreditAgeBand,
    CreditEffect,
    CreditGradeBand,
    CreditRankWeight,
    CreditRule,
    InspectionItem,
    Method,
    Risk,
    SamplingShare,
    UnitKind,
    WarningRule,
)
from carecircle.oversight.models.effects import load_defaults as load_effects

F, C, H = UnitKind.FACILITY.value, UnitKind.CHILDCARE.value, UnitKind.HOMECARE.value
ALL = [F, C, H]

# (code, title, basis, method, unit kinds, risk, major hazard)
# fmt: off
ITEMS: list[tuple[str, str, str, str, list[str], int, bool]] = [
    ("XF-01", "消防安全责任制、防火检查巡查记录和灭火疏散预案", "《中华人民共和国消防法》第十六条（单位消防安全职责）", Method.DOCUMENTS, ALL, Risk.HIGH, False),
    ("XF-02", "疏散通道、安全出口畅通，消防设施器材完好有效", "《中华人民共和国消防法》第十六条、第二十八条", Method.ON_SITE, [F, C], Risk.HIGH, True),
    ("AQ-01", "服务安全风险评估及噎食、跌倒、走失等服务防护措施", "GB 38600-2019《养老机构服务安全基本规范》（强制性国家标准）第5章、第6章", Method.ON_SITE, [F], Risk.HIGH, False),
    ("AQ-02", "突发事件应急预案及演练记录", "GB 38600-2019《养老机构服务安全基本规范》第7章；杭州 四(五)（突发事件预防与应急准备）", Method.DOCUMENTS, ALL, Risk.MEDIUM, False),
    ("SP-01", "集体用餐食堂持证经营、食品留样和从业人员健康证明", "《中华人民共和国食品安全法》第四十五条、第五十七条（养老机构、托幼机构食堂）", Method.ON_SITE, [F, C], Risk.HIGH, True),
    ("HT-01", "与服务对象签订服务协议（合同），内容完整", "《养老机构管理办法》（民政部令第66号）第三章 服务规范；民政部《养老机构服务合同（示范文本）》", Method.DOCUMENTS, [F, H], Risk.MEDIUM, False),
    ("SF-01", "收费项目和标准公示，明码标价，按协议收费", "《中华人民共和国价格法》第十三条（明码标价）", Method.ON_SITE, ALL, Risk.MEDIUM, False),
    ("SF-02", "预收费（押金、会员费）规模和资金管理，无以虚假投资、高额返利吸收资金", "《防范和处置非法集资条例》（国务院令第737号）；杭州 四(五)；宜州 三(二)9（打击非法集资）", Method.DOCUMENTS, [F, H], Risk.HIGH, True),
    ("RY-01", "养老护理员持证上岗、职业技能等级与岗位相符", "《养老护理员国家职业技能标准（2019年版）》；曲靖 三(五)2（持证上岗率）", Method.DOCUMENTS, [F, H], Risk.MEDIUM, False),
    ("RY-02", "托育从业人员资格和配备比例（乳儿班1:3、托小班1:5、托大班1:7）", "《托育机构设置标准（试行）》《托育机构管理规范（试行）》（国卫人口发〔2019〕58号）", Method.DOCUMENTS, [C], Risk.HIGH, False),
    ("QL-01", "无欺老、虐老、侮辱或遗弃行为，入住老人访谈无投诉", "《中华人民共和国老年人权益保障法》第三条；宜州 三(二)9（欺老虐老专项整治）", Method.INTERVIEW, [F, H], Risk.HIGH, True),
    ("QL-02", "婴幼儿照护无体罚、虐待，监控覆盖且留存", "《托育机构管理规范（试行）》（安全管理）", Method.INTERVIEW, [C], Risk.HIGH, True),
    ("DA-01", "服务对象档案、入住评估和服务记录完整", "《养老机构管理办法》（民政部令第66号）第四章 运营管理", Method.DOCUMENTS, [F, H], Risk.LOW, False),
    ("DA-02", "婴幼儿健康检查、晨午检和卫生保健记录", "《托育机构保育指导大纲（试行）》；《托育机构管理规范（试行）》（健康管理）", Method.DOCUMENTS, [C], Risk.MEDIUM, False),
    ("SS-01", "托育机构场地、设施设备符合设置标准", "《托育机构设置标准（试行）》（场地设施）", Method.ON_SITE, [C], Risk.MEDIUM, False),
    ("SM-01", "上门服务按工单执行，服务过程记录真实（到离时间、定位）", "GB/T 43153-2023《居家养老上门服务基本规范》；杭州 三(一)9", Method.SAMPLING, [H], Risk.MEDIUM, False),
    ("BA-01", "依法办理备案（登记）且备案事项与实际一致", "《养老机构管理办法》（民政部令第66号）第二章 备案办理；曲靖 四(三)（依法公布备案信息）", Method.DOCUMENTS, [F, C], Risk.MEDIUM, False),
]
# fmt: on

# Sampling shares by credit grade (Qujing 三(二)5: 分级分类管理): D always, C often, A rarely.
SHARES = {"A": Decimal("0.100"), "B": Decimal("0.300"), "C": Decimal("0.600"), "D": Decimal("1.000")}


def load(item_model: Any, share_model: Any) -> None:
    """Add the missing defaults with these models (migration 0002 passes its historical ones)."""
    for order, (code, title, basis, method, kinds, risk, major) in enumerate(ITEMS):
        item_model.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "basis": basis,
                "method": str(method),
                "unit_kinds": kinds,
                "risk": int(risk),
                "major_hazard": major,
                "order": order,
            },
        )
    for grade, share in SHARES.items():
        share_model.objects.get_or_create(grade=grade, defaults={"share": share})


def ensure() -> None:
    load(InspectionItem, SamplingShare)
    # the other tables of data the migrations load (each loader adds only what is missing): the
    # credit method (0004), the early-warning rules (0005) and what each grade brings (0007)
    credit.load_defaults(CreditRule, CreditAgeBand, CreditRankWeight, CreditGradeBand)
    warnings.load_defaults(WarningRule)
    load_effects(CreditEffect)
