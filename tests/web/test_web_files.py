"""The chat page's files read as text (no browser): everything it loads comes from this server,
and no script builds HTML from strings. The browser tests check the same things in action."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "bots" / "web"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _read(pattern: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(WEB.glob(pattern))}


def test_the_page_references_only_its_own_files() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    references = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert references, "index.html references nothing?"
    for ref in references:
        assert not re.match(r"^([a-z]+:|//)", ref), f"index.html loads {ref} from outside"
        local = ref.split("#")[0].lstrip("./")
        if local and not ref.startswith("/"):
            assert (WEB / local).is_file(), f"index.html references {ref}, which is missing"
    for name, css in _read("*.css").items():
        assert "@import" not in css, name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), f"{name} loads from outside"
    for name, js in _read("*.js").items():
        outside = set(re.findall(r"[\"'`](https?://[^\"'`\s]*)", js)) - {SVG_NAMESPACE}
        assert outside == set(), f"{name} names outside addresses: {outside}"
        for module in re.findall(r"^import .* from \"([^\"]+)\";$", js, flags=re.M):
            assert module.startswith("./") and (WEB / module[2:]).is_file(), (name, module)


def test_no_script_builds_html_from_strings() -> None:
    unsafe = re.compile(
        r"\.(?:innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write|\beval\(|"
        r"new Function\(|setAttribute\(\s*[\"']on|\.srcdoc\b|createContextualFragment"
    )
    for name, js in _read("*.js").items():
        found = [m.group(0) for m in unsafe.finditer(js)]
        assert found == [], f"{name}: {found}"


def test_the_page_forbids_inline_and_outside_scripts() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy"\s+content="([^"]+)"', html)
    assert policy, "index.html has no Content-Security-Policy"
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.group(1).split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all('src="' in attributes for attributes in scripts), "an inline script"
    handlers = re.findall(r"<[^>]*\son[a-z]+\s*=", html)
    assert handlers == [], f"inline event handlers: {handlers}"
