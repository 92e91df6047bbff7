"""An agent's identity diagram as inline SVG, drawn here (no JavaScript library, no external process).

Columns left to right: the agent, then the identities of its chain by distance (each joined to the one it was
reached from, the edge labelled with how); a credential sits a column right of the identity it belongs to (or of the
agent that carries it). External principals that can become an identity are drawn in the last column, pointing back
at it. Every label is escaped text.
"""

from __future__ import annotations

from html import escape

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 230, 40, 110, 22, 12
MAX_EDGE_CHARS = 18
MAX_CHARS = 34
COLOURS = {"agent": "#dbeafe", "identity": "#fef3c7", "credential": "#fee2e2", "external": "#ede9fe"}


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "\u2026"


def _edge(label: str) -> str:
    """An edge label without its parenthesis (the identity list says it in full)."""
    text = label.split(" (")[0]
    return text if len(text) <= MAX_EDGE_CHARS else text[: MAX_EDGE_CHARS - 1] + "\u2026"


def diagram(agent: dict) -> str:
    depth = {agent["address"]: 0}
    boxes: list[tuple[str, str, int]] = [(agent["address"], "agent", 0)]  # (label, kind, column)
    edges: list[tuple[str, str, str]] = []
    for ident in agent["identities"]:
        col = depth.get(ident["from"], 0) + 1
        depth.setdefault(ident["address"], col)
        boxes.append((ident["address"], "identity", col))
        edges.append((ident["from"], ident["address"], ident["how"]))
    last = max(c for _, _, c in boxes) + 1
    for cred in agent["credentials"]:
        owner = cred.get("belongs_to") if cred.get("belongs_to") in depth else agent["address"]
        boxes.append((cred["address"], "credential", depth[owner] + 1))  # beside its owner: no line crosses a box
        edges.append((owner, cred["address"], cred["lifetime"]))
    for trust in agent["trusted_by"]:
        if trust["external"]:
            boxes.append((trust["principal"], "external", last))
            edges.append((trust["principal"], trust["identity"], "can become"))
    return _draw(boxes, edges)


def _draw(boxes, edges) -> str:
    pos: dict[str, tuple[int, int]] = {}
    rows: dict[int, int] = {}
    for label, kind, col in boxes:
        if label in pos:
            continue
        row = rows.get(col, 0)
        rows[col] = row + 1
        pos[label] = (PAD + col * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y))
    width = PAD * 2 + (max(c for _, _, c in boxes) + 1) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max(rows.values()) * (BOX_H + GAP_Y) - GAP_Y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="diagram" width="{width}" '
             f'height="{height}" style="max-width:100%;height:auto" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for src, dst, label in edges:
        if src not in pos or dst not in pos:
            continue
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        # Forward edges leave a box's right side; an external principal (drawn in the last column) points back at
        # the identity it can become, from its left side to the identity's right side.
        ax, bx = (x1 + BOX_W, x2) if x2 > x1 else (x1, x2 + BOX_W)
        ay, by = y1 + BOX_H // 2, y2 + BOX_H // 2
        parts.append(f'<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" stroke="#555" marker-end="url(#arrow)"/>')
        parts.append(f'<text x="{(ax + bx) // 2}" y="{(ay + by) // 2 - 4}" text-anchor="middle" fill="#333" '
                     f'font-size="10">{escape(_edge(label))}</text>')
    for label, kind, _ in boxes:
        x, y = pos[label]
        parts.append(f'<g class="node {kind}"><title>{escape(label)}</title><rect x="{x}" y="{y}" width="{BOX_W}" '
                     f'height="{BOX_H}" rx="6" fill="{COLOURS[kind]}" stroke="#444"/>'
                     f'<text x="{x + 8}" y="{y + 16}" fill="#555" font-size="10">{kind}</text>'
                     f'<text x="{x + 8}" y="{y + 31}" fill="#111">{escape(_short(label))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
