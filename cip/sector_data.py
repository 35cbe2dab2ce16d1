"""Taiwan's eight critical-infrastructure sectors and their sub-sectors (行政院國家關鍵基礎設施領域).

Shipped as data by migration 0002; `mnd_admin` may edit names afterwards. Codes are stable public keys.
"""

# code, Chinese name, English name, lead ministry, [(sub-sector code, Chinese, English)]
SECTORS = [
    (
        "energy",
        "能源",
        "Energy",
        "moea",
        [
            ("energy-electricity", "電力", "Electricity"),
            ("energy-oil", "石油", "Oil"),
            ("energy-gas", "天然氣", "Natural gas"),
        ],
    ),
    ("water", "水資源", "Water resources", "moea", [("water-supply", "供水", "Water supply")]),
    (
        "communications",
        "通訊傳播",
        "Communications",
        "moda",
        [
            ("communications-telecom", "電信", "Telecommunications"),
            ("communications-broadcast", "廣播電視", "Broadcasting"),
        ],
    ),
    (
        "transportation",
        "交通",
        "Transportation",
        "motc",
        [
            ("transport-land", "陸運", "Land transport"),
            ("transport-sea", "水運", "Sea transport"),
            ("transport-air", "空運", "Air transport"),
            ("transport-meteorology", "氣象", "Meteorology"),
        ],
    ),
    ("finance", "金融", "Finance", "fsc", [("finance-banking", "銀行及金融市場", "Banking and financial markets")]),
    (
        "emergency-hospitals",
        "緊急救援與醫院",
        "Emergency rescue and hospitals",
        "mohw",
        [
            ("emergency-hospitals-hospital", "醫院", "Hospitals"),
            ("emergency-hospitals-rescue", "緊急救援", "Emergency rescue"),
        ],
    ),
    (
        "government",
        "中央與地方政府機關",
        "Central and local government",
        "ey",
        [
            ("government-central", "中央政府機關", "Central government"),
            ("government-local", "地方政府機關", "Local government"),
        ],
    ),
    (
        "science-parks",
        "高科技園區",
        "Science and industrial parks",
        "nstc",
        [
            ("science-parks-science", "科學園區", "Science parks"),
            ("science-parks-industrial", "工業園區", "Industrial parks"),
        ],
    ),
]


def load(Sector, SubSector) -> None:
    """Create missing sectors and sub-sectors; names already edited by an administrator are kept."""
    for order, (code, zh, en, ministry, subs) in enumerate(SECTORS, start=1):
        sector, _ = Sector.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "ministry": ministry, "sort_order": order}
        )
        for sub_order, (sub_code, sub_zh, sub_en) in enumerate(subs, start=1):
            SubSector.objects.get_or_create(
                code=sub_code,
                defaults={"sector": sector, "name_zh": sub_zh, "name_en": sub_en, "sort_order": sub_order},
            )
