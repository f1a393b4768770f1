"""Make frontend/static/vendor/utrecht/utrecht-components.css: the rules of the components Koppel
uses, copied unchanged from the built @utrecht/component-library-css dist/index.css.

Usage (see README.md in this folder):
    cd /tmp && npm pack @utrecht/component-library-css@<version> && tar xzf utrecht-*.tgz
    python frontend/static/vendor/utrecht/subset.py /tmp/package/dist/index.css \
        > frontend/static/vendor/utrecht/utrecht-components.css

Only the standard library: no node is needed to run Koppel, only to update this copy.
"""

import re
import sys

# Component class prefixes Koppel uses (docs/design-system.md lists them with examples).
COMPONENTS = (
    "alert",
    "alert-dialog",
    "button",
    "button-group",
    "action-group",
    "checkbox",
    "document",
    "form-field",
    "form-field-description",
    "form-field-error-message",
    "form-fieldset",
    "form-label",
    "heading-1",
    "heading-2",
    "heading-3",
    "heading-4",
    "link",
    "page-footer",
    "page-header",
    "paragraph",
    "select",
    "separator",
    "skip-link",
    "status-badge",
    "surface",
    "table",
    "table-container",
    "textarea",
    "textbox",
    "unordered-list",
)
SELECTOR = re.compile(r"\.utrecht-([a-z0-9-]+?)(?:--[a-z0-9-]+|__[a-z0-9-]+)*(?![a-z0-9-])")


def blocks(css: str) -> list[str]:
    """Top-level blocks (rule or at-rule with its braces), comments and @charset kept apart."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(css):
        if css.startswith("/*", i):
            end = css.index("*/", i) + 2
            if depth == 0:
                out.append(css[start:end])
                start = end
            i = end
            continue
        ch = css[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                out.append(css[start : i + 1])
                start = i + 1
        elif ch == ";" and depth == 0:
            out.append(css[start : i + 1])
            start = i + 1
        i += 1
    return [b.strip() for b in out if b.strip()]


def wanted_rule(block: str) -> bool:
    selector = block.split("{", 1)[0]
    names = [m.group(1) for m in SELECTOR.finditer(selector)]
    return bool(names) and all(n in COMPONENTS for n in names)


def keep(block: str) -> str | None:
    if block.startswith("/*"):
        return block if "@license" in block else None
    if block.startswith("@charset"):
        return None
    if block.startswith("@keyframes"):
        return None
    if block.startswith(("@media", "@supports", "@container")):
        head, body = block.split("{", 1)
        inner = [b for b in blocks(body.rsplit("}", 1)[0]) if not b.startswith("/*")]
        kept = [b for b in inner if keep(b)]
        if not kept:
            return None
        return head.strip() + " {\n" + "\n".join("  " + k for k in kept) + "\n}"
    return block if wanted_rule(block) else None


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        css = f.read()
    licenses: list[str] = []
    rules: list[str] = []
    for block in blocks(css):
        kept = keep(block)
        if kept is None:
            continue
        if kept.startswith("/*"):
            if kept not in licenses:
                licenses.append(kept)
        else:
            rules.append(kept)
    sys.stdout.write('@charset "UTF-8";\n')
    sys.stdout.write("\n".join(licenses) + "\n")
    sys.stdout.write(
        "/* Subset of @utrecht/component-library-css dist/index.css made by subset.py; "
        "rules are unchanged. */\n"
    )
    sys.stdout.write("\n".join(rules) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
