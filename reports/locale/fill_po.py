# ruff: noqa: E501
"""Fill reports' zh_Hant catalogue from the table below (run after makemessages). Not imported by the app."""

import ast
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent / "zh_Hant" / "LC_MESSAGES" / "django.po"

ZH = {
    "reports": "報告",
    "Readiness": "整備狀況",
    "Reports": "整備報告",
    "Nationwide": "全國",
    "County / city": "縣市",
    "Agency": "機關",
    "Traditional Chinese": "繁體中文",
    "English": "英文",
    "Being generated": "產製中",
    "Generated": "已產製",
    "Failed": "失敗",
    "Readiness at a glance": "整備概況",
    "Scope": "範圍",
    "As of": "資料基準日",
    "Language": "語言",
    "Verification code %(code)s": "驗證碼 %(code)s",
    "Rendering the PDF": "正在產製 PDF",
    "Storing the report": "正在儲存報告",
    "scope": "範圍",
    "scope code": "範圍代碼",
    '"nation", a county code (TW-NWT) or "agency:<id>".': "「nation」、縣市代碼（TW-NWT）或「agency:<機關編號>」。",
    "county": "縣市",
    "agency": "機關",
    "as of": "資料基準日",
    "language": "語言",
    "requested by": "申請人",
    "requested by (name)": "申請人（姓名）",
    "scheduled": "排程產製",
    "job": "背景工作",
    "status": "狀態",
    "PDF": "PDF",
    "pages": "頁數",
    "verification code": "驗證碼",
    "figures": "數據",
    "previous report of the same scope": "同範圍的前一份報告",
    "generated at": "產製時間",
    "readiness report": "整備報告",
    "readiness reports": "整備報告",
    'Give the scope as "nation", a county code such as TW-NWT, or "agency:<organisation id>".': (
        "範圍請填「nation」、縣市代碼（如 TW-NWT）或「agency:<機關編號>」。"
    ),
    "Call-ups": "召集",
    "Call-up fill rate against quota": "召集員額達成率",
    "green ≥ %(ok)s, amber ≥ %(warn)s": "綠燈 ≥ %(ok)s，黃燈 ≥ %(warn)s",
    "No-show rate": "未報到率",
    "no data yet": "尚無資料",
    "green ≤ %(ok)s, amber ≤ %(warn)s": "綠燈 ≤ %(ok)s，黃燈 ≤ %(warn)s",
    "Civil defense": "民防",
    "Civil-defense strength against establishment": "民防編組人力對編制員額",
    "Trained share of civil-defense members": "民防人員受訓比率",
    "Shelter capacity against assignments": "避難設施容量對分配人數",
    "%(capacity)s places, none assigned": "容量 %(capacity)s 人，尚無分配",
    "Strength against establishment by county": "各縣市編組人力對編制員額",
    "Critical infrastructure": "關鍵基礎設施",
    "CI assets with an overdue risk assessment": "風險評估逾期的關鍵基礎設施",
    "likelihood": "可能性",
    "impact": "衝擊",
    "CI assets by county": "各縣市關鍵基礎設施數",
    "Exercises": "演習",
    "Overdue corrective actions among open ones": "未結改善事項中逾期比率",
    "Reservists": "後備軍人",
    "Callable pool (within %(years)s years of retirement)": "可召集人數（退伍 %(years)s 年內）",
    "share of the active registry: green ≥ %(ok)s, amber ≥ %(warn)s": "占在籍人數比率：綠燈 ≥ %(ok)s，黃燈 ≥ %(warn)s",
    "Callable reservists with an Art. 29/30 grant": "可召集者中具第 29/30 條身分者",
    "other specialties": "其他專長",
    "Callable share of the active registry by county": "各縣市可召集人數占在籍比率",
    "Give the date as YYYY-MM-DD.": "日期請以 YYYY-MM-DD 格式填寫。",
    "A readiness report cannot be as of a future date.": "整備報告的資料基準日不得為未來日期。",
    "Choose zh-hant or en.": "請選擇 zh-hant 或 en。",
    "Downloaded by %(user)s at %(time)s · verification code %(code)s": "下載者 %(user)s，下載時間 %(time)s · 驗證碼 %(code)s",
    "Compared with the previous report of this scope, as of %(date)s (generated %(made)s).": (
        "與同範圍前一份報告比較（資料基準日 %(date)s，產製於 %(made)s）。"
    ),
    "Indicator": "指標",
    "Previous report": "前次報告",
    "This report": "本次報告",
    "Change since": "增減",
    "This is the first report of this scope: there is nothing to compare with yet.": "這是此範圍的第一份報告，尚無可比較的前次報告。",
    "Value": "數值",
    "Status": "狀態",
    "Thresholds": "燈號門檻",
    "green": "綠燈",
    "amber": "黃燈",
    "red": "紅燈",
    "no data": "無資料",
    "Live from the database (refreshed at most once a minute).": "即時取自資料庫（最多每分鐘更新一次）。",
    "Latest report: as of %(date)s": "最新報告：資料基準日 %(date)s",
    "Summary of key indicators": "關鍵指標摘要",
    "Readiness report": "動員整備報告",
    "Mobilization readiness portal": "動員整備入口網",
    "Requested by": "申請人",
    "monthly schedule": "每月排程",
    "Requested at": "申請時間",
    "Verification": "驗證網址",
    "Change since the previous report": "與前次報告比較",
    "%(n)s page": "%(n)s 頁",
    "Download PDF": "下載 PDF",
    "Each download carries your name, the time and the verification code in its footer, and is recorded in the audit log.": (
        "每次下載的頁尾都會載明您的姓名、下載時間與驗證碼，並記錄於稽核紀錄。"
    ),
    "Readiness reports": "整備報告",
    "Request a new report": "申請新報告",
    "Generate": "產製",
    "Every request makes a new report; earlier reports are kept unchanged.": "每次申請都會產製一份新報告；先前的報告保留不變。",
    "No reports in your area yet.": "您的轄區尚無報告。",
    "Not part of a report of this scope.": "不屬於此範圍的報告內容。",
    "No data yet: this part of the portal has no records to report.": "尚無資料：入口網此部分尚無可報告的紀錄。",
    "Orders (report date within the last year or later)": "召集令（報到日在一年內或之後）",
    "with a selection standing": "已完成遴選者",
    "Quota counted for the fill rate": "計入達成率的員額",
    "First-wave people in this scope": "本範圍第一梯次人數",
    "No-shows": "未報到",
    "Postponements (Art. 31)": "延期報到（第 31 條）",
    "Fill rate against quota (line: quota)": "員額達成率（直線為員額）",
    "Quota by mobilization type": "各召集類別員額",
    "Order": "召集令",
    "Type": "類型",
    "Report date": "報到日期",
    "Quota": "員額",
    "First wave here": "本範圍第一梯次",
    "Teams": "團隊",
    "Shelters": "避難處所",
    "Establishment (authorised positions)": "編制員額",
    "Shelter capacity": "避難處所容量",
    "Members": "編組人員",
    "People assigned to shelters": "已分配避難人數",
    "Members with current training": "訓練有效人員",
    "Strength against establishment": "編組人力對編制員額",
    "Trained share (line: green threshold)": "受訓比率（直線為綠燈門檻）",
    "Assets by sector": "各領域設施數",
    "Risk matrix: assets by likelihood and impact of their current rating": "風險矩陣：依目前評等之可能性與衝擊分布",
    "Sector": "領域",
    "Level 1": "第一級",
    "Level 2": "第二級",
    "Level 3": "第三級",
    "Assets with an overdue assessment (%(n)s; oldest first)": "評估逾期的設施（共 %(n)s 項，最久者在前）",
    "Asset": "設施",
    "Level": "等級",
    "Due on": "應評估日",
    "No critical-infrastructure assets in this scope.": "此範圍內沒有關鍵基礎設施。",
    "%(total)s exercises (%(open)s not closed); %(actions)s open corrective actions, %(overdue)s overdue, "
    "%(ownerless)s without an owner.": (
        "演習 %(total)s 場（%(open)s 場未結案）；未結改善事項 %(actions)s 項，逾期 %(overdue)s 項，"
        "%(ownerless)s 項未指定負責單位。"
    ),
    "Ratings by subject": "各課目評等",
    "Subject": "科目",
    "Evaluations": "評核數",
    "No evaluations yet.": "尚無評核。",
    "P: performed without challenges; S: with some challenges; M: with major challenges; U: unable to perform.": (
        "P：順利執行；S：執行時有些許困難；M：執行時有重大困難；U：無法執行。"
    ),
    "%(callable)s of %(active)s active reservists retired on or after %(start)s and can be called up for "
    "educational, duty or roll-call mobilization (Art. 27, 28).": (
        "在籍後備軍人 %(active)s 人中，%(callable)s 人於 %(start)s 以後退伍，可受教育、勤務或點閱召集（第 27、28 條）。"
    ),
    "Callable pool by branch": "各軍種可召集人數",
    "Callable pool by specialty (largest of %(n)s)": "各專長可召集人數（%(n)s 種中最多者）",
    "Callable pool by township": "各鄉鎮市區可召集人數",
    "Art. 29/30 grants valid on the report date": "基準日有效的第 29/30 條身分",
    "Basis": "依據",
    "People": "人數",
    "of them callable": "其中可召集",
    "No valid grants.": "無有效身分。",
    "Callable people with a grant: successive / later / any": "具身分的可召集人數：依序／緩召／合計",
    "Verify a readiness report": "驗證整備報告",
    "Genuine: this report was issued by the portal.": "真實：本報告確由入口網產製。",
    "Generated at": "產製時間",
    "Number of pages": "頁數",
    "Verification code": "驗證碼",
    "Not genuine: no report has this verification code.": "無法驗證：沒有報告使用此驗證碼。",
    "Check the code printed in the report's footer. A report whose code is not found here was not issued by the portal.": (
        "請核對報告頁尾的驗證碼。在此查無驗證碼的報告並非由入口網產製。"
    ),
    "The report is being generated.": "報告產製中。",
}


def entries(text: str):
    current, field = None, None
    for line in text.splitlines():
        if line.startswith("msgid "):
            current = {"msgid": ast.literal_eval(line[6:]), "comments": []}
            field = "msgid"
            yield current
        elif line.startswith("msgid_plural "):
            current["plural"] = ast.literal_eval(line[13:])
            field = "plural"
        elif line.startswith("msgstr"):
            field = None
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    found = [e for e in list(entries(PO.read_text(encoding="utf-8"))) if e["msgid"]]
    missing = [e["msgid"] for e in found if e["msgid"] not in ZH]
    if missing:
        print("missing:", *missing, sep="\n  ")
        return 1
    out = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: mobilization-portal reports\\n"',
        '"Language: zh_Hant\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
        "",
    ]
    for e in found:
        out.append(f"msgid {quote(e['msgid'])}")
        if "plural" in e:
            out.append(f"msgid_plural {quote(e['plural'])}")
            out.append(f"msgstr[0] {quote(ZH[e['msgid']])}")
        else:
            out.append(f"msgstr {quote(ZH[e['msgid']])}")
        out.append("")
    PO.write_text("\n".join(out), encoding="utf-8")
    print(f"{len(found)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
