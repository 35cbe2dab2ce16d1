"""Notice PDFs: Chinese text with the embedded CJK font, only the masked ID, the verification code and its QR code,
one page per notice in a batch, and a batch page laid out exactly like the on-demand notice."""

import datetime
import io
import logging
import subprocess
import tempfile

import pytest
import segno
from pypdf import PdfReader

from core.tests.test_pdf import pdf_fonts
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder, Notice
from mobilization.services import notice_pdf as pdf
from reservists.models import ReserveUnit

from .helpers import make_reservist, township

pytestmark = pytest.mark.django_db
FULL_ID = "A123456789"


def make_order(kind="educational", **kw) -> CallUpOrder:
    defaults = {
        "mobilization_type": kind,
        "title": "115年度第1梯次教育召集",
        "legal_basis": "兵役法第38條",
        "order_reference": "國備動員字第1150000123號",
        "report_date": datetime.date(2026, 3, 1),
        "days": 14,
        "quota": 10,
        "status": OrderStatus.ISSUED,
    }
    defaults.update(kw)
    return CallUpOrder.objects.create(**defaults)


def make_notice(order, seq=1, national_id=None, name="王小明", **kw) -> Notice:
    unit, _ = ReserveUnit.objects.get_or_create(
        code="NWT-101",
        defaults={"name": "陸軍第一〇一後備旅第一營", "region": township(), "assembly_point": "板橋營區集合場"},
    )
    person = make_reservist(name=name, **({"national_id": national_id} if national_id else {}))
    defaults = {
        "order": order,
        "reservist": person,
        "township": person.township,
        "reserve_unit": unit,
        "sequence": seq,
        "number": f"115E{order.pk:05d}-{seq:06d}",
        "report_date": order.report_date,
        "report_time": datetime.time(8, 0),
        "assembly_point": unit.assembly_point,
        "verification_code": f"ABCDEFGHJKMN{seq:04d}",
        "delivery_seq": seq,
    }
    defaults.update(kw)
    return Notice.objects.create(**defaults)


def text_of(data: bytes) -> list[str]:
    """Each page's text without white space (letter-spaced titles come out as 教 育 召 集 令)."""
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def words(data: bytes, page: int) -> set[tuple[str, float, float]]:
    """(word, x, y) of one page as poppler lays it out, forms (XObjects) included."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", fh.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = set()
    for line in out.splitlines():
        if "<word " in line:
            x = float(line.split('xMin="')[1].split('"')[0])
            y = float(line.split('yMin="')[1].split('"')[0])
            found.add((line.rsplit(">", 2)[-2].split("<")[0], round(x, 1), round(y, 1)))
    return found


def test_on_demand_notice_is_chinese_with_the_masked_id_only_and_uses_harfbuzz(caplog):
    notice = make_notice(make_order(), national_id=FULL_ID)
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        data = pdf.render_notice_pdf(notice)
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()], "libharfbuzz-subset0 is missing"
    assert "Noto-Sans-CJK-TC" in pdf_fonts(data)
    (text,) = text_of(data)
    for expected in ("教育召集令", "王小明", "A12****789", "民國115年3月1日", "08時00分", "板橋營區集合場", "第31條"):
        assert expected in text, expected
    assert "3日為限" in text  # Art. 31: at most three days
    assert FULL_ID not in text and FULL_ID.encode() not in data
    assert "ABCD-EFGH-JKMN-0001" in text  # the verification code, printed large and grouped
    assert "/verify/ABCDEFGHJKMN0001/" in text
    assert "第2版" not in text


def test_title_follows_the_mobilization_type_and_revision_is_printed():
    notice = make_notice(make_order(kind="roll_call", days=1), revision=2)
    (text,) = text_of(pdf.render_notice_pdf(notice))
    assert "點閱召集令" in text and "第2版" in text
    assert "點閱召集不得申請延期報到" in text


def test_qr_code_encodes_the_public_verification_address(settings):
    settings.PORTAL_PUBLIC_URL = "https://portal.example.tw"
    notice = make_notice(make_order())
    page = PdfReader(io.BytesIO(pdf.render_notice_pdf(notice))).pages[0]
    (image,) = page.images
    url = "https://portal.example.tw/verify/ABCDEFGHJKMN0001/"
    expected = segno.make(url, error="m", mask=pdf.QR_MASK)
    matrix = [[1 if px < 128 else 0 for px in row] for row in _rows(image.image.convert("L"))]
    assert matrix == [list(row) for row in expected.matrix]


def _rows(img):
    width, height = img.size
    pixels = img.tobytes()
    return [pixels[y * width : (y + 1) * width] for y in range(height)]


def test_batch_has_one_page_per_notice_in_the_given_order(django_assert_num_queries):
    order = make_order()
    make_notice(order, 1, name="王小明")
    make_notice(order, 2, name="陳大文")
    # postponed: another report date and revision, so another form under its page
    make_notice(order, 3, name="林志玲", report_date=datetime.date(2026, 3, 4), revision=2)
    with django_assert_num_queries(1):
        data, pages = pdf.render_batch_pdf(Notice.objects.filter(order=order).order_by("delivery_seq"))
    assert pages == 3 == len(PdfReader(io.BytesIO(data)).pages)
    texts = text_of(data)
    for text, name, number in zip(texts, ("王小明", "陳大文", "林志玲"), ("000001", "000002", "000003"), strict=True):
        assert name in text and number in text
        assert "教育召集令" in text and "第31條" in text  # the shared part, drawn from the form
    assert "民國115年3月4日" in texts[2] and "第2版" in texts[2]
    assert "民國115年3月4日" not in texts[0] and "第2版" not in texts[0]


def test_a_batch_page_is_laid_out_exactly_like_the_on_demand_notice():
    order = make_order()
    first = make_notice(order, 1)
    second = make_notice(order, 2, name="陳大文")
    alone = pdf.render_notice_pdf(second)
    batch, _ = pdf.render_batch_pdf([first, second])
    assert words(batch, 2) == words(alone, 1)


def test_an_empty_batch_is_refused():
    with pytest.raises(ValueError):
        pdf.render_batch_pdf([])
