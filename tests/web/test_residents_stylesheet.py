"""The residents' USWDS stylesheet (frontend/uswds-build/) against its source and its pages.

The public pages load a build of only the USWDS packages they use: these checks catch a
committed CSS older than its package list, and a class a public page uses that the full
USWDS sheet styles but the residents' build left out.
"""

import hashlib
import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
BUILD = FRONTEND / "uswds-build"
CSS = FRONTEND / "static" / "vendor" / "uswds-3.14.0" / "css"
TEMPLATES = FRONTEND / "templates"
# What the public pages render: their own templates, the shared layout and pieces they
# include, and the error pages (the 500 page stands alone on the same sheet).
PUBLIC_TEMPLATES = [
    *sorted((TEMPLATES / "residents").glob("*.html")),
    *sorted((TEMPLATES / "fields").glob("*.html")),
    *(
        TEMPLATES / name
        for name in (
            "base.html",
            "language_switch.html",
            "form_errors.html",
            "403.html",
            "404.html",
            "500.html",
        )
    ),
]
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
USWDS_CLASS = re.compile(r"^(usa-|grid-|tablet:|desktop:)[a-z0-9_:-]*[a-z0-9]$")


def _styled(css: str, name: str) -> bool:
    selector = "." + name.replace(":", "\\:")
    return re.search(re.escape(selector) + r"(?![a-z0-9_-])", css) is not None


def _public_classes() -> set[str]:
    names: set[str] = set()
    for template in PUBLIC_TEMPLATES:
        for value in CLASS_ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            names.update(TEMPLATE_TAG.sub(" ", value).split())
    # Widgets get their classes in Python (frontend/forms.py's UswdsForm).
    forms = (FRONTEND / "forms.py").read_text(encoding="utf-8")
    names.update(re.findall(r'"(usa-[a-z0-9_-]+)"', forms))
    return {name for name in names if USWDS_CLASS.match(name)}


def test_the_committed_residents_css_is_built_from_the_current_package_list() -> None:
    source = (BUILD / "residents.scss").read_bytes()
    first_line = (CSS / "uswds-residents.min.css").read_text(encoding="utf-8").split("\n", 1)[0]
    assert f"sha256:{hashlib.sha256(source).hexdigest()}" in first_line, (
        "residents.scss changed since the CSS was built: run `make uswds-residents` and "
        "commit frontend/static/vendor/uswds-3.14.0/css/uswds-residents.min.css"
    )


def test_every_uswds_class_on_the_public_pages_is_in_the_residents_build() -> None:
    full = (CSS / "uswds.min.css").read_text(encoding="utf-8")
    residents = (CSS / "uswds-residents.min.css").read_text(encoding="utf-8")
    used = _public_classes()
    assert {"usa-button", "usa-input", "tablet:grid-col-6"} <= used  # the scan finds them
    missing = sorted(name for name in used if _styled(full, name) and not _styled(residents, name))
    assert not missing, f"add their packages to frontend/uswds-build/residents.scss: {missing}"


def test_the_residents_build_is_a_fraction_of_the_full_sheet() -> None:
    full = (CSS / "uswds.min.css").stat().st_size
    residents = (CSS / "uswds-residents.min.css").stat().st_size
    assert residents < full / 3
