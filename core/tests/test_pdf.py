import logging

from core.pdf import qr_svg_data_uri, render_html_pdf


def test_chinese_pdf_uses_harfbuzz_subsetting(caplog):
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        pdf = render_html_pdf("<h1>召集令 民國115年3月1日</h1><p>新北市板橋區</p>")
    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()], "libharfbuzz-subset0 is missing"
    assert "Noto-Sans-CJK-TC" in pdf_fonts(pdf)  # the CJK font is embedded, so Chinese renders


def pdf_fonts(pdf: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(["pdffonts", fh.name], capture_output=True, text=True, check=True).stdout


def test_qr_code_is_svg():
    assert qr_svg_data_uri("https://portal/verify/ABC").startswith("data:image/svg+xml")
