"""`agentlint inventory --format html`: one self-contained page (inline CSS and SVG; no script, no font, no URL).

A table of the agents sorted by blast radius, then a section per agent with its identity diagram
(outputs.inventory_svg), identities, credentials, permissions, sensitive reach, unknowns, trust and findings.
"""

from __future__ import annotations

from html import escape

from agentlint.outputs.inventory_svg import diagram
from agentlint.outputs.inventory_text import grants, sensitive_kinds
from agentlint.values import printable

CSS = """body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}
section{border-top:2px solid #ddd;margin-top:2em;padding-top:1em}code{background:#f3f4f6;padding:0 3px}
.score{font-weight:bold}.sensitive{color:#b91c1c}.unknown{color:#92400e}"""


def _e(text) -> str:
    return escape(printable(str(text)))


def _anchor(i: int) -> str:
    return f"agent-{i + 1}"


def to_html(inv: dict) -> str:
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           f"<title>agentlint inventory</title><style>{CSS}</style></head><body>",
           f"<h1>Agent access inventory</h1><p>{inv['summary']['agents']} agent(s) in "
           f"{inv['summary']['stacks']} stack(s), sorted by blast radius (agentlint {_e(inv['tool']['version'])})."
           "</p>", "<table><thead><tr><th>Agent</th><th>Blast radius</th><th>Identities</th><th>Credentials</th>"
           "<th>Sensitive reach</th><th>Findings</th></tr></thead><tbody>"]
    for i, a in enumerate(inv["agents"]):
        out.append(f'<tr><td><a href="#{_anchor(i)}"><code>{_e(a["address"])}</code></a><br>{_e(a["path"])}:'
                   f'{a["start_line"]}</td><td class="score">{a["blast_radius"]["score"]:g}</td>'
                   f'<td>{"<br>".join(_e(x["address"]) for x in a["identities"]) or "none"}</td>'
                   f'<td>{len(a["credentials"])}</td><td class="sensitive">{_e(", ".join(sensitive_kinds(a)))}</td>'
                   f'<td>{a["findings"]["total"]}</td></tr>')
    out.append("</tbody></table>")
    for i, a in enumerate(inv["agents"]):
        out.append(_section(i, a))
    if inv["external_principals"]:
        out.append("<section><h2>External principals</h2><ul>")
        out += [f"<li><code>{_e(e['principal'])}</code> ({_e(e['kind'])}) can become {_e(', '.join(e['identities']))}"
                f" (agents {_e(', '.join(e['agents']))}); reach: {_e(', '.join(e['sensitive']) or 'none sensitive')}"
                "</li>" for e in inv["external_principals"]]
        out.append("</ul></section>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _list(title: str, items: list[str], cls: str = "") -> str:
    if not items:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<h3>{title}</h3><ul{attr}>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def _section(i: int, a: dict) -> str:
    br = a["blast_radius"]
    f = a["findings"]
    parts = [f'<section id="{_anchor(i)}"><h2><code>{_e(a["address"])}</code></h2>',
             f"<p>{_e(a['path'])}:{a['start_line']} &middot; stack {_e(a['stack'])} &middot; blast radius "
             f"<span class=\"score\">{br['score']:g}</span> (breadth {br['breadth']:g}, sensitivity "
             f"{br['sensitivity']:g}, credentials {br['credentials']:g}, trust {br['trust']:g})</p>",
             f"<p>Evidence: {_e('; '.join(e['detail'] for e in a['evidence']))}</p>", diagram(a),
             _list("Identities", [f"{_e(x['how'])}: <code>{_e(x['address'])}</code>" for x in a["identities"]]),
             _list("Credentials", [f"{_e(c['kind'])} <code>{_e(c['address'])}</code>: {_e(c['lifetime'])}"
                                   for c in a["credentials"]]),
             _list("Permissions", [_e(g) for g in grants(a)]),
             _list("Sensitive reach", [f"{_e(s['kind'])}: {_e(s['what'])} ({_e(s['identity'])})"
                                       for s in a["permissions"]["sensitive"]], "sensitive"),
             _list("Unknown", [_e(u) for u in a["permissions"]["unknown"]], "unknown"),
             _list("Trusted by", [f"{_e(t['principal'])} ({_e(t['kind'])}) &rarr; {_e(t['identity'])}"
                                  for t in a["trusted_by"]]),
             _list("Shared with", [f"<code>{_e(s['address'])}</code> ({_e(s['kind'])})" for s in a["shared_with"]]),
             f"<h3>Findings</h3><p>{f['total']}" + (f": {_e(' '.join(f['rule_ids']))}" if f["total"] else "")
             + "</p></section>"]
    return "".join(parts)
