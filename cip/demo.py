"""Demo critical infrastructure: about forty assets across the counties, operated by the demo
organisations (taipower, water-corp, cht, ...), with dependencies, assessments and protection plans.

Idempotent: assets are keyed on (name, operator); a second run changes nothing.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.choices import OrganisationKind
from core.models import Organisation, Region

from .models import Asset, Dependency, PlanUnit, ProtectionPlan, RiskAssessment, RiskMatrix, SubSector
from .services import refresh_asset_risk

OPERATORS = [
    # code, name, English name, county
    ("cpc", "台灣中油", "CPC Corporation", "TW-KHH"),
    ("taipei-water", "臺北自來水事業處", "Taipei Water Department", "TW-TPE"),
    ("twport", "臺灣港務公司", "Taiwan International Ports Corporation", "TW-KHH"),
    ("taoyuan-airport", "桃園國際機場公司", "Taoyuan International Airport Corporation", "TW-TAO"),
    ("caa", "交通部民用航空局", "Civil Aeronautics Administration", "TW-TPE"),
    ("thsr", "台灣高速鐵路公司", "Taiwan High Speed Rail", "TW-TPE"),
    ("cwa", "交通部中央氣象署", "Central Weather Administration", "TW-TPE"),
    ("fisc", "財金資訊公司", "Financial Information Service Co.", "TW-TPE"),
    ("twse", "臺灣證券交易所", "Taiwan Stock Exchange", "TW-TPE"),
    ("ntuh", "臺大醫院", "National Taiwan University Hospital", "TW-TPE"),
    ("feemh", "亞東紀念醫院", "Far Eastern Memorial Hospital", "TW-NWT"),
    ("vghks", "高雄榮民總醫院", "Kaohsiung Veterans General Hospital", "TW-KHH"),
    ("tzuchi-hl", "花蓮慈濟醫院", "Hualien Tzu Chi Hospital", "TW-HUA"),
    ("nstc-sipa", "新竹科學園區管理局", "Hsinchu Science Park Bureau", "TW-HSZ"),
    ("nstc-stsp", "南部科學園區管理局", "Southern Taiwan Science Park Bureau", "TW-TNN"),
    ("nstc-ctsp", "中部科學園區管理局", "Central Taiwan Science Park Bureau", "TW-TXG"),
]

# name, sub-sector, level, operator, ministry, county, township (Chinese), latitude, longitude
ASSETS = [
    ("林口發電廠", "energy-electricity", 1, "taipower", "moea", "TW-NWT", "林口區", 25.120, 121.300),
    ("大潭發電廠", "energy-electricity", 1, "taipower", "moea", "TW-TAO", "觀音區", 25.030, 121.050),
    ("台中發電廠", "energy-electricity", 1, "taipower", "moea", "TW-TXG", "龍井區", 24.210, 120.480),
    ("興達發電廠", "energy-electricity", 1, "taipower", "moea", "TW-KHH", "永安區", 22.860, 120.200),
    ("核三廠", "energy-electricity", 1, "taipower", "moea", "TW-PIF", "恆春鎮", 21.960, 120.750),
    ("龍潭超高壓變電所", "energy-electricity", 1, "taipower", "moea", "TW-TAO", "龍潭區", 24.860, 121.210),
    ("板橋一次變電所", "energy-electricity", 2, "taipower", "moea", "TW-NWT", "板橋區", 25.010, 121.460),
    ("協和發電廠", "energy-electricity", 2, "taipower", "moea", "TW-KEE", "中山區", 25.150, 121.720),
    ("桃園煉油廠", "energy-oil", 1, "cpc", "moea", "TW-TAO", "桃園區", 25.000, 121.290),
    ("大林煉油廠", "energy-oil", 2, "cpc", "moea", "TW-KHH", "小港區", 22.540, 120.330),
    ("永安液化天然氣接收站", "energy-gas", 1, "cpc", "moea", "TW-KHH", "永安區", 22.820, 120.200),
    ("台中液化天然氣接收站", "energy-gas", 1, "cpc", "moea", "TW-TXG", "梧棲區", 24.270, 120.500),
    ("直潭淨水場", "water-supply", 1, "taipei-water", "moea", "TW-NWT", "新店區", 24.940, 121.550),
    ("石門淨水場", "water-supply", 1, "water-corp", "moea", "TW-TAO", "龍潭區", 24.810, 121.240),
    ("豐原淨水場", "water-supply", 1, "water-corp", "moea", "TW-TXG", "豐原區", 24.250, 120.720),
    ("鳳山淨水場", "water-supply", 2, "water-corp", "moea", "TW-KHH", "鳳山區", 22.620, 120.370),
    ("寶山淨水場", "water-supply", 2, "water-corp", "moea", "TW-HSQ", "寶山鄉", 24.750, 121.020),
    ("澎湖海水淡化廠", "water-supply", 2, "water-corp", "moea", "TW-PEN", "馬公市", 23.570, 119.580),
    ("中華電信仁愛機房", "communications-telecom", 1, "cht", "moda", "TW-TPE", "大安區", 25.040, 121.540),
    ("中華電信板橋機房", "communications-telecom", 2, "cht", "moda", "TW-NWT", "板橋區", 25.010, 121.460),
    ("頭城海纜登陸站", "communications-telecom", 1, "cht", "moda", "TW-ILA", "頭城鎮", 24.860, 121.820),
    ("枋山海纜登陸站", "communications-telecom", 1, "cht", "moda", "TW-PIF", "枋山鄉", 22.270, 120.650),
    ("中華電信台中機房", "communications-telecom", 2, "cht", "moda", "TW-TXG", "西屯區", 24.160, 120.640),
    ("基隆港", "transport-sea", 1, "twport", "motc", "TW-KEE", "中正區", 25.130, 121.740),
    ("高雄港", "transport-sea", 1, "twport", "motc", "TW-KHH", "前鎮區", 22.600, 120.290),
    ("臺中港", "transport-sea", 1, "twport", "motc", "TW-TXG", "梧棲區", 24.270, 120.510),
    ("桃園國際機場", "transport-air", 1, "taoyuan-airport", "motc", "TW-TAO", "大園區", 25.080, 121.230),
    ("臺北松山機場", "transport-air", 2, "caa", "motc", "TW-TPE", "松山區", 25.070, 121.550),
    ("高鐵臺北站", "transport-land", 2, "thsr", "motc", "TW-TPE", "中正區", 25.050, 121.520),
    ("五分山氣象雷達站", "transport-meteorology", 2, "cwa", "motc", "TW-NWT", "瑞芳區", 25.070, 121.780),
    ("財金資訊跨行主機房", "finance-banking", 1, "fisc", "fsc", "TW-TPE", "中正區", 25.040, 121.520),
    ("臺灣證券交易所交易系統", "finance-banking", 1, "twse", "fsc", "TW-TPE", "信義區", 25.030, 121.560),
    ("臺大醫院", "emergency-hospitals-hospital", 1, "ntuh", "mohw", "TW-TPE", "中正區", 25.040, 121.520),
    ("亞東紀念醫院", "emergency-hospitals-hospital", 2, "feemh", "mohw", "TW-NWT", "板橋區", 24.997, 121.452),
    ("高雄榮民總醫院", "emergency-hospitals-hospital", 1, "vghks", "mohw", "TW-KHH", "左營區", 22.680, 120.320),
    ("花蓮慈濟醫院", "emergency-hospitals-hospital", 2, "tzuchi-hl", "mohw", "TW-HUA", "花蓮市", 23.990, 121.590),
    ("新北市政府行政大樓", "government-local", 2, "gov-tw-nwt", "moi", "TW-NWT", "板橋區", 25.012, 121.465),
    ("臺北市政府", "government-local", 2, "gov-tw-tpe", "moi", "TW-TPE", "信義區", 25.037, 121.564),
    ("新竹科學園區", "science-parks-science", 1, "nstc-sipa", "nstc", "TW-HSZ", "東區", 24.780, 121.000),
    ("南部科學園區", "science-parks-science", 1, "nstc-stsp", "nstc", "TW-TNN", "新市區", 23.100, 120.270),
    ("中部科學園區", "science-parks-science", 2, "nstc-ctsp", "nstc", "TW-TXG", "西屯區", 24.210, 120.620),
]

# (asset, depends on, kind): the second failing affects the first.
DEPENDENCIES = [
    ("大潭發電廠", "永安液化天然氣接收站", "other"),
    ("興達發電廠", "永安液化天然氣接收站", "other"),
    ("龍潭超高壓變電所", "大潭發電廠", "power"),
    ("龍潭超高壓變電所", "林口發電廠", "power"),
    ("板橋一次變電所", "龍潭超高壓變電所", "power"),
    ("直潭淨水場", "板橋一次變電所", "power"),
    ("石門淨水場", "龍潭超高壓變電所", "power"),
    ("豐原淨水場", "台中發電廠", "power"),
    ("寶山淨水場", "龍潭超高壓變電所", "power"),
    ("中華電信仁愛機房", "板橋一次變電所", "power"),
    ("中華電信板橋機房", "板橋一次變電所", "power"),
    ("中華電信台中機房", "台中發電廠", "power"),
    ("頭城海纜登陸站", "中華電信仁愛機房", "communications"),
    ("財金資訊跨行主機房", "中華電信仁愛機房", "communications"),
    ("財金資訊跨行主機房", "直潭淨水場", "water"),
    ("臺灣證券交易所交易系統", "中華電信仁愛機房", "communications"),
    ("臺灣證券交易所交易系統", "財金資訊跨行主機房", "other"),
    ("臺大醫院", "直潭淨水場", "water"),
    ("臺大醫院", "板橋一次變電所", "power"),
    ("臺大醫院", "中華電信仁愛機房", "communications"),
    ("亞東紀念醫院", "板橋一次變電所", "power"),
    ("亞東紀念醫院", "直潭淨水場", "water"),
    ("新北市政府行政大樓", "中華電信板橋機房", "communications"),
    ("新北市政府行政大樓", "板橋一次變電所", "power"),
    ("臺北市政府", "中華電信仁愛機房", "communications"),
    ("桃園國際機場", "龍潭超高壓變電所", "power"),
    ("桃園國際機場", "石門淨水場", "water"),
    ("桃園國際機場", "桃園煉油廠", "other"),
    ("臺北松山機場", "中華電信仁愛機房", "communications"),
    ("基隆港", "協和發電廠", "power"),
    ("高雄港", "興達發電廠", "power"),
    ("高雄港", "大林煉油廠", "other"),
    ("臺中港", "台中發電廠", "power"),
    ("台中發電廠", "臺中港", "transport"),
    ("高雄榮民總醫院", "興達發電廠", "power"),
    ("高雄榮民總醫院", "鳳山淨水場", "water"),
    ("新竹科學園區", "龍潭超高壓變電所", "power"),
    ("新竹科學園區", "寶山淨水場", "water"),
    ("南部科學園區", "興達發電廠", "power"),
    ("中部科學園區", "台中發電廠", "power"),
    ("中部科學園區", "豐原淨水場", "water"),
    ("高鐵臺北站", "板橋一次變電所", "power"),
    ("五分山氣象雷達站", "中華電信仁愛機房", "communications"),
]

SCENARIOS = ["military_strike", "natural_disaster", "cyber_attack", "sabotage"]


def _township(county_code: str, name_zh: str) -> Region:
    township = Region.objects.filter(parent__code=county_code, name_zh=name_zh).first()
    return township or Region.objects.filter(parent__code=county_code, is_postal_area=False).order_by("code").first()


def seed(command, opts) -> None:
    with transaction.atomic():
        created = _seed()
    command.stdout.write(f"cip: {created} demo assets created ({Asset.objects.count()} in all).")


def _seed() -> int:
    for code, name, name_en, county in OPERATORS:
        Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": OrganisationKind.ENTERPRISE,
                "region": Region.objects.get(code=county),
            },
        )
    subsectors = {s.code: s for s in SubSector.objects.select_related("sector")}
    operators = {o.code: o for o in Organisation.objects.all()}
    today = timezone.localdate()
    matrix = RiskMatrix.active()
    created = 0
    by_name: dict[str, Asset] = {}
    for index, (name, sub, level, operator, ministry, county, township, lat, lon) in enumerate(ASSETS):
        if operator not in operators:
            continue  # a county government missing when core demo was not loaded
        asset, made = Asset.objects.get_or_create(
            name=name,
            operator=operators[operator],
            defaults={
                "sector": subsectors[sub].sector,
                "subsector": subsectors[sub],
                "level": level,
                "ministry": ministry,
                "township": _township(county, township),
                "latitude": lat,
                "longitude": lon,
                "description": "",
            },
        )
        by_name[name] = asset
        if not made:
            continue
        created += 1
        # Ratings spread over the matrix; every seventh asset's last assessment is long past due.
        age = 500 if index % 7 == 3 else 30 + (index * 11) % 200
        for n in range(1 + index % 3):
            likelihood = 1 + (index + n * 2) % matrix.size
            impact = min(matrix.size, 1 + (level == 1) * 2 + (index * 3 + n) % 3)
            risk = matrix.level_for(likelihood, impact)
            RiskAssessment.objects.create(
                asset=asset,
                scenario=SCENARIOS[(index + n) % len(SCENARIOS)],
                likelihood=likelihood,
                impact=impact,
                matrix=matrix,
                score=likelihood * impact,
                risk_level=risk,
                control_level=matrix.control_level_for(risk),
                assessor_name="示範評估員",
                assessed_on=today - timedelta(days=age + n * 40),
            )
        refresh_asset_risk(asset.pk)
        if level == 1 and index % 2 == 0:
            _plan(asset, approved=index % 4 == 0)
    for name, on, kind in DEPENDENCIES:
        if name in by_name and on in by_name:
            Dependency.objects.get_or_create(asset=by_name[name], depends_on=by_name[on], kind=kind)
    return created


def _plan(asset: Asset, approved: bool) -> None:
    User = get_user_model()
    submitter = User.objects.filter(username="staff").first()
    approver = User.objects.filter(username="approver").first()
    today = timezone.localdate()
    plan = ProtectionPlan.objects.create(
        asset=asset,
        title=f"{asset.name}防護計畫",
        measures="周界警戒、門禁管制、備援電力與通訊、重要設備分散備援；戰時由國軍與警察共同防護。",
        last_drill_on=today - timedelta(days=120),
        next_review_on=today + timedelta(days=245),
        requires_approval=True,
    )
    PlanUnit.objects.bulk_create(
        [
            PlanUnit(plan=plan, kind="military", name="陸軍第六軍團指定防護部隊", task="要點防護、反破壞"),
            PlanUnit(
                plan=plan, kind="police", name=f"{asset.township.parent.name_zh}政府警察局", task="外圍警戒、交通管制"
            ),
            PlanUnit(plan=plan, kind="civil_defense", name=f"{asset.township.name_zh}民防中隊", task="協助疏散、救護"),
        ]
    )
    if submitter and approver:
        now = timezone.now()
        ProtectionPlan.objects.filter(pk=plan.pk).update(
            status="approved" if approved else "submitted",
            submitted_by=submitter,
            submitted_at=now,
            approved_by=approver if approved else None,
            approved_at=now if approved else None,
        )
