"""The standard catalogue, grouped as the seeds group home services: 助餐、助浴、助洁、助医、助行、
助急、助购 (Hangzhou 三(一)3, Qujing 三(二)2), 康复护理, 精神慰藉, 家庭照护培训 (Qujing 三(二)2),
康复辅具租赁, with a service standard per item and the basic-list flag (Yizhou 三(二)4).
Loaded by migration 0002 and kept in step by `catalogue_sync` (idempotent)."""

CATEGORIES = [
    # code, name, order, meal_help
    ("meal", "助餐", 1, True),
    ("bath", "助浴", 2, False),
    ("clean", "助洁", 3, False),
    ("medical", "助医", 4, False),
    ("walk", "助行", 5, False),
    ("urgent", "助急", 6, False),
    ("shop", "助购", 7, False),
    ("rehab", "康复护理", 8, False),
    ("comfort", "精神慰藉", 9, False),
    ("training", "家庭照护培训", 10, False),
    ("aids", "康复辅具租赁", 11, False),
]

ITEMS = [
    # code, category, name, unit, minutes, basic list, min level, needs 健康证, cancel notice hours, standard
    ("meal.delivery", "meal", "上门送餐", "餐", 20, True, None, True, 3,
     "按约定时段送达，餐食温度不低于60℃，核对老人身份与忌口，餐盒密封，送达后确认进食情况。"),
    ("meal.feeding", "meal", "助餐喂食", "次", 40, False, 2, True, 3,
     "协助失能老人进食进水，注意体位与吞咽，防止呛咳，记录进食量。"),
    ("bath.home", "bath", "上门助浴", "次", 60, True, 2, True, 12,
     "浴前评估血压与身体状况，室温24-26℃、水温40℃左右，防滑防跌倒，全程两人协作或有家属在场，浴后更衣保暖。"),
    ("bath.station", "bath", "助浴点助浴", "次", 60, False, 2, True, 12,
     "接送至社区助浴点，助浴设施消毒，按上门助浴标准操作并记录。"),
    ("clean.home", "clean", "居家保洁", "小时", 60, True, None, False, 4,
     "清洁卧室、厨房、卫生间地面与台面，整理床铺，垃圾清运，物品归位，不擅自丢弃老人物品。"),
    ("clean.laundry", "clean", "衣物清洗", "次", 45, False, None, False, 4,
     "分类清洗晾晒，贴身衣物单独清洗，按约定收送并清点。"),
    ("medical.escort", "medical", "陪同就医", "次", 120, True, 1, True, 12,
     "协助挂号、候诊、缴费、取药，转述医嘱并告知家属，保管好病历与票据。"),
    ("medical.drugs", "medical", "代配药", "次", 60, False, None, False, 6,
     "凭医保卡与处方代为配药，核对药名剂量，当面交接并记录。"),
    ("walk.escort", "walk", "陪同出行", "次", 60, False, 1, False, 6,
     "协助上下楼、乘车与行走，使用助行器具，注意路况与天气，防跌倒。"),
    ("urgent.visit", "urgent", "紧急上门", "次", 30, True, 1, False, 0,
     "接单后30分钟内到达，初步处置并联系家属与120，记录处置过程。"),
    ("shop.errand", "shop", "代购代办", "次", 60, False, None, False, 4,
     "按清单代购生活用品或代办缴费等事项，凭票据结算，当面清点交接。"),
    ("rehab.nursing", "rehab", "上门康复护理", "次", 60, True, 3, True, 12,
     "按康复计划进行肢体功能训练、压疮预防与护理，记录生命体征与训练情况。"),
    ("comfort.chat", "comfort", "陪伴聊天", "小时", 60, True, None, False, 4,
     "倾听与陪伴，关注情绪变化，发现异常及时报告社区与家属。"),
    ("training.family", "training", "家庭照护者培训", "次", 90, False, 4, False, 24,
     "上门指导家属掌握翻身、转移、喂食、防跌倒等照护技能，发放培训资料。"),
    ("aids.rent", "aids", "康复辅具租赁配送", "月", 30, False, None, False, 24,
     "配送并安装轮椅、护理床等辅具，调试并讲解使用方法，定期回访与消毒。"),
]


def catalogue_sync(category_model, item_model) -> tuple[int, int]:
    """Create or update the standard categories and items. Returns (categories, items)."""
    cats = {}
    for code, name, order, meal_help in CATEGORIES:
        cats[code], _c = category_model.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "meal_help": meal_help})
    for code, cat, name, unit, minutes, basic, level, health, notice, standard in ITEMS:
        item_model.objects.update_or_create(code=code, defaults={
            "category": cats[cat], "name": name, "unit": unit, "duration_minutes": minutes, "basic_list": basic,
            "min_level": level, "needs_health_certificate": health, "cancel_notice_hours": notice,
            "standard": standard,
        })
    return len(CATEGORIES), len(ITEMS)
