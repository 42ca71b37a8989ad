"""Draw TinyStudio's app icon with Qt and write every format the installers need.

    python packaging/make_icon.py            # writes resources/icons/

Output (committed, so builds need not run this):

- ``tinystudio-<N>.png`` for N in 16..1024: Linux hicolor theme sizes and the window icon
- ``tinystudio.png``: 256 px, what the app sets as its window icon
- ``tinystudio.ico``: Windows (PNG-compressed entries 16..256, read by Vista and later)
- ``tinystudio.icns``: macOS (PNG entries 16..1024 @1x/@2x)

The ICO and ICNS containers are written here byte by byte (both are a small header and a
table of PNGs) so the result does not depend on which Qt image plugins a machine has.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS type codes for PNG payloads: (code, pixel size)
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def draw(size: int) -> QImage:
    """The icon at ``size`` px: a falling training curve through three nodes on indigo."""
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 100.0  # draw on a 100×100 grid
    margin = 6 * s
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    grad = QLinearGradient(box.topLeft(), box.bottomRight())
    grad.setColorAt(0.0, QColor("#5b5bd6"))
    grad.setColorAt(1.0, QColor("#2f2a8a"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(box, 20 * s, 20 * s)

    pts = [
        QPointF(22 * s, 30 * s),
        QPointF(40 * s, 58 * s),
        QPointF(58 * s, 66 * s),
        QPointF(78 * s, 72 * s),
    ]
    curve = QPainterPath(pts[0])
    curve.cubicTo(QPointF(30 * s, 48 * s), QPointF(34 * s, 55 * s), pts[1])
    curve.cubicTo(QPointF(46 * s, 62 * s), QPointF(52 * s, 64 * s), pts[2])
    curve.lineTo(pts[3])
    pen = QPen(QColor("white"), max(1.5, 7 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(curve)
    if size >= 32:  # nodes: too small to see below that
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ffd166"))
        for pt in (pts[0], pts[2], pts[3]):
            p.drawEllipse(pt, 7 * s, 7 * s)
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buf.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR + one ICONDIRENTRY per size + the PNG payloads."""
    sizes = [n for n in ICO_SIZES if n in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for n in sizes:
        data = pngs[n]
        dim = 0 if n >= 256 else n  # 0 means 256 in the ICO format
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b""
    for code, n in ICNS_TYPES:
        data = pngs[n]
        body += code + struct.pack(">I", len(data) + 8) + data
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it
    OUT.mkdir(parents=True, exist_ok=True)
    pngs = {n: png_bytes(draw(n)) for n in PNG_SIZES}
    for n, data in pngs.items():
        (OUT / f"tinystudio-{n}.png").write_bytes(data)
    (OUT / "tinystudio.png").write_bytes(pngs[256])
    (OUT / "tinystudio.ico").write_bytes(ico_bytes(pngs))
    (OUT / "tinystudio.icns").write_bytes(icns_bytes(pngs))
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files ({total / 1024:.0f} KB) to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
