"""The kinds of resources shipped as reference data: sector, class and the capacity attributes of each class.

Loaded by migration 0002 and again after a flush (apps.py). An attribute is (name, Chinese label, English label,
type, unit, required). Administrators may add kinds and attributes on the page; codes never change.
"""

PAYLOAD = ("payload_t", "載重", "payload", "decimal", "t", True)
SEATS = ("seats", "座位數", "seats", "int", "", True)
LIFTING = ("lifting_t", "吊重", "lifting capacity", "decimal", "t", True)
BUCKET = ("bucket_m3", "斗容量", "bucket volume", "decimal", "m³", False)
TANK = ("tank_kl", "槽容量", "tank volume", "decimal", "kL", True)
STRETCHERS = ("stretchers", "擔架床數", "stretchers", "int", "", True)
TONNAGE = ("tonnage_t", "總噸位", "gross tonnage", "decimal", "t", True)
PASSENGERS = ("passengers", "載客數", "passengers", "int", "", False)
STORAGE = ("storage_m3", "儲存容積", "storage volume", "decimal", "m³", True)
AREA = ("floor_m2", "樓地板面積", "floor area", "decimal", "m²", False)
PRODUCT = ("product", "可轉產品項", "product after switching", "text", "", True)
DAILY = ("daily_output", "日產能", "daily output", "decimal", "", False)
QUANTITY = ("quantity", "數量", "quantity", "decimal", "", True)
UNIT = ("unit", "單位", "unit", "text", "", True)

KINDS = [
    # sector, code, Chinese name, English name, attributes
    ("vehicle", "truck", "貨車", "Truck", [PAYLOAD]),
    ("vehicle", "bus", "大客車", "Bus", [SEATS]),
    ("vehicle", "ambulance", "救護車", "Ambulance", [STRETCHERS]),
    ("vehicle", "tanker", "油罐車", "Tanker truck", [TANK]),
    ("vehicle", "pickup", "小貨車", "Pickup truck", [PAYLOAD]),
    ("machinery", "excavator", "挖土機", "Excavator", [BUCKET]),
    ("machinery", "crane", "吊車", "Crane", [LIFTING]),
    ("machinery", "bulldozer", "推土機", "Bulldozer", []),
    ("machinery", "loader", "裝載機", "Loader", [BUCKET]),
    ("machinery", "generator", "發電機", "Generator", [("power_kw", "發電量", "power", "decimal", "kW", True)]),
    ("vessel", "cargo-ship", "貨船", "Cargo vessel", [TONNAGE]),
    ("vessel", "fishing-boat", "漁船", "Fishing boat", [TONNAGE, PASSENGERS]),
    ("vessel", "ferry", "客輪", "Ferry", [TONNAGE, PASSENGERS]),
    ("facility", "warehouse", "倉庫", "Warehouse", [STORAGE, AREA]),
    ("facility", "cold-store", "冷凍冷藏庫", "Cold store", [STORAGE]),
    ("facility", "factory", "可轉產工廠", "Factory able to switch to emergency production", [PRODUCT, DAILY]),
    ("supply", "fuel", "油料", "Fuel stock", [QUANTITY, UNIT]),
    ("supply", "water", "飲用水", "Drinking water stock", [QUANTITY, UNIT]),
    ("supply", "food", "糧食", "Food stock", [QUANTITY, UNIT]),
    ("supply", "medical", "醫療用品", "Medical supply stock", [QUANTITY, UNIT]),
]


def attribute_dicts(attributes) -> list[dict]:
    return [
        {"name": n, "label_zh": zh, "label_en": en, "type": t, "unit": u, "required": r}
        for n, zh, en, t, u, r in attributes
    ]


def load(Kind) -> int:
    """Create the kinds that are missing; never change an existing one (an administrator may have)."""
    created = 0
    for order, (sector, code, zh, en, attributes) in enumerate(KINDS):
        _kind, made = Kind.objects.get_or_create(
            code=code,
            defaults={
                "sector": sector,
                "name_zh": zh,
                "name_en": en,
                "attributes": attribute_dicts(attributes),
                "sort_order": order,
            },
        )
        created += made
    return created
