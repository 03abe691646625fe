"""The certificate as a one-page A4 PDF (ReportLab), Cyrillic in DejaVu fonts, with a QR code of its
public verification URL drawn as vector squares (qrcode computes the matrix)."""

import io
from pathlib import Path

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..filters import local_date
from .certificates import STATUSES, Details

FONTS = {"Cert": "DejaVuSans.ttf", "Cert-Bold": "DejaVuSans-Bold.ttf"}
WIDTH, HEIGHT = A4
MARGIN = 22 * mm


def _register(font_dir: str) -> None:
    for name, file in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            path = Path(font_dir) / file
            if not path.exists():
                raise RuntimeError(f"Нет шрифта {path}: fonts-dejavu-core (make) или CERTIFICATE_FONT_DIR")
            pdfmetrics.registerFont(TTFont(name, str(path)))


def _qr(pdf, url: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                pdf.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


class _Writer:
    """Lines from the top of the page down, wrapped to the text width."""

    def __init__(self, pdf):
        self.pdf, self.y = pdf, HEIGHT - MARGIN

    def line(self, text: str, size: float = 12, bold: bool = False, gap: float = 4, center: bool = False):
        font = "Cert-Bold" if bold else "Cert"
        self.pdf.setFont(font, size)
        for part in simpleSplit(text, font, size, WIDTH - 2 * MARGIN):
            self.y -= size * 1.25
            if center:
                self.pdf.drawCentredString(WIDTH / 2, self.y, part)
            else:
                self.pdf.drawString(MARGIN, self.y, part)
        self.y -= gap


def _score(value) -> str:
    return "—" if value is None else f"{value:g}%"


def render(details: Details, verify_url: str, font_dir: str, today) -> bytes:
    """The certificate as PDF bytes."""
    _register(font_dir)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Сертификат: {details.name}")
    pdf.setAuthor("Школа наблюдателя")
    w = _Writer(pdf)
    w.line("Школа наблюдателя · Алматы", 11, center=True, gap=14)
    w.line("СЕРТИФИКАТ", 28, bold=True, center=True, gap=10)
    w.line("консультанта наблюдателей на выборах", 13, center=True, gap=24)
    w.line("Настоящим удостоверяется, что", 12)
    w.line(details.name, 20, bold=True, gap=10)
    w.line("прошёл(ла) обучение и сдал(а) итоговые тесты модулей:", 12, gap=8)
    for m in details.modules:
        law = f"редакция закона на {m.law_as_of:%d.%m.%Y}" if m.law_as_of else "редакция закона не указана"
        studied = f"; изучено: {m.source}" if m.source else ""
        w.line(f"• {m.title} — лучший результат {_score(m.score)}{studied}; {law}", 12, gap=4)
    w.y -= 10
    w.line(f"Квалифицирован(а) с {local_date(details.qualified_at)}", 12, bold=True)
    w.line(f"Статус на {today:%d.%m.%Y}: {STATUSES[details.status]}", 12, bold=True)
    if details.status == "needs_update":
        w.line("Закон изменился после квалификации: нужно пройти повторную проверку по изменённым статьям.", 11)
    w.line(f"Выдан {local_date(details.certificate.issued_at)}", 11, gap=18)
    size = 42 * mm
    _qr(pdf, verify_url, MARGIN, MARGIN + 14 * mm, size)
    x, top = MARGIN + size + 8 * mm, MARGIN + 14 * mm + size
    pdf.setFont("Cert", 10)
    pdf.drawString(x, top - 12, "Проверить сертификат (QR-код или адрес):")
    pdf.setFont("Cert", 8)
    pdf.drawString(x, top - 26, verify_url)
    pdf.drawString(x, top - 40, f"Код проверки: {details.certificate.code}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
