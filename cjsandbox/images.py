"""Generated SVG product images and flags (served by the sandbox itself, no outside URL)."""

from __future__ import annotations

import html
import zlib

_PALETTE = ["#e76f51", "#2a9d8f", "#264653", "#f4a261", "#8ab17d", "#6d597a", "#b56576", "#457b9d", "#e9c46a"]

# simple pictograms per category "shape" (drawn in a 200x200 box centred at 200,170)
_SHAPES = {
    "phone": '<rect x="150" y="80" width="100" height="180" rx="18" fill="#fff" opacity=".9"/>'
    '<circle cx="200" cy="240" r="8" fill="#999"/>',
    "stand": '<path d="M130 260 L270 260 L230 120 L170 120 Z" fill="#fff" opacity=".9"/>',
    "cable": '<path d="M120 230 C160 80 240 280 280 110" stroke="#fff" stroke-width="14" fill="none"/>',
    "watch": '<rect x="170" y="70" width="60" height="200" rx="20" fill="#fff" opacity=".6"/>'
    '<circle cx="200" cy="170" r="55" fill="#fff"/>',
    "audio": '<circle cx="160" cy="170" r="40" fill="#fff"/><circle cx="240" cy="170" r="40" fill="#fff"/>',
    "led": '<circle cx="200" cy="150" r="60" fill="#fff" opacity=".95"/>'
    '<rect x="180" y="210" width="40" height="40" fill="#fff" opacity=".7"/>',
    "tool": '<rect x="190" y="70" width="20" height="200" rx="8" fill="#fff"/>'
    '<rect x="160" y="70" width="80" height="40" rx="8" fill="#fff"/>',
    "kitchen": '<ellipse cx="200" cy="130" rx="50" ry="60" fill="#fff"/>'
    '<rect x="192" y="180" width="16" height="100" fill="#fff"/>',
    "cup": '<path d="M150 90 L250 90 L235 260 L165 260 Z" fill="#fff"/>',
    "box": '<rect x="130" y="110" width="140" height="130" fill="#fff"/>'
    '<rect x="120" y="95" width="160" height="25" fill="#fff" opacity=".8"/>',
    "bed": '<rect x="110" y="150" width="180" height="80" rx="10" fill="#fff"/>'
    '<rect x="120" y="120" width="60" height="40" rx="10" fill="#fff" opacity=".8"/>',
    "pot": '<path d="M140 150 L260 150 L240 260 L160 260 Z" fill="#fff"/>'
    '<circle cx="200" cy="115" r="35" fill="#fff" opacity=".7"/>',
    "pet": '<circle cx="200" cy="190" r="50" fill="#fff"/><circle cx="150" cy="120" r="20" fill="#fff"/>'
    '<circle cx="190" cy="100" r="20" fill="#fff"/><circle cx="235" cy="105" r="20" fill="#fff"/>'
    '<circle cx="265" cy="135" r="20" fill="#fff"/>',
    "dress": '<path d="M175 80 L225 80 L235 130 L280 270 L120 270 L165 130 Z" fill="#fff"/>',
    "shirt": '<path d="M150 90 L250 90 L290 140 L260 160 L250 150 L250 270 L150 270 L150 150 L140 160 '
    'L110 140 Z" fill="#fff"/>',
    "jewel": '<circle cx="200" cy="170" r="60" stroke="#fff" stroke-width="12" fill="none"/>'
    '<path d="M200 90 L220 115 L200 140 L180 115 Z" fill="#fff"/>',
    "beauty": '<rect x="185" y="150" width="30" height="120" rx="6" fill="#fff"/>'
    '<path d="M185 150 L200 80 L215 150 Z" fill="#fff" opacity=".8"/>',
    "sport": '<rect x="110" y="150" width="180" height="40" rx="20" fill="#fff"/>',
    "toy": '<rect x="140" y="140" width="60" height="60" fill="#fff"/><rect x="200" y="140" width="60" '
    'height="60" fill="#fff" opacity=".8"/><rect x="170" y="80" width="60" height="60" fill="#fff" opacity=".9"/>',
    "bag": '<rect x="130" y="130" width="140" height="120" rx="12" fill="#fff"/>'
    '<path d="M165 130 C165 80 235 80 235 130" stroke="#fff" stroke-width="10" fill="none"/>',
    "shoe": '<path d="M110 230 L110 170 L170 160 L210 200 L290 210 L290 240 Z" fill="#fff"/>',
}


def product_svg(pid: str, n: int, title: str, shape: str) -> bytes:
    h = zlib.crc32(f"{pid}:{n}".encode())
    bg = _PALETTE[h % len(_PALETTE)]
    accent = _PALETTE[(h // 7) % len(_PALETTE)]
    pict = _SHAPES.get(shape, _SHAPES["box"])
    label = html.escape(title[:34])
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<rect width="400" height="400" fill="{bg}"/>'
        f'<circle cx="{60 + h % 280}" cy="{40 + (h >> 8) % 60}" r="90" fill="{accent}" opacity=".35"/>'
        f"{pict}"
        f'<text x="200" y="330" font-family="sans-serif" font-size="20" fill="#fff" text-anchor="middle">{label}</text>'
        f'<text x="200" y="365" font-family="monospace" font-size="13" fill="#fff" opacity=".8" '
        f'text-anchor="middle">CJ sandbox · {html.escape(pid[:19])} · {n}</text>'
        "</svg>"
    )
    return svg.encode()


def flag_svg(code: str) -> bytes:
    h = zlib.crc32(code.encode())
    a, b2, c = (_PALETTE[(h >> s) % len(_PALETTE)] for s in (0, 5, 10))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20" viewBox="0 0 30 20">'
        f'<rect width="10" height="20" fill="{a}"/><rect x="10" width="10" height="20" fill="{b2}"/>'
        f'<rect x="20" width="10" height="20" fill="{c}"/>'
        f'<text x="15" y="14" font-size="9" font-family="sans-serif" text-anchor="middle" fill="#fff">'
        f"{html.escape(code[:2])}</text></svg>"
    ).encode()
