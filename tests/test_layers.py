"""The apps keep their dependency order (docs/architecture.md, "Layers"): no Django in the
Django-free packages, no app importing one above it, no import cycles; the known breaks are
listed in ALLOWED, which may only shrink; the diagram in the doc is the one the code produces."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.layers import (
    Violation,
    check,
    diagram,
    documented_diagram,
    import_graph,
    imports_of,
    unit_of,
)

# Breaks of the order the code is allowed to have, each with a comment naming the work that
# will remove it; the list may only shrink, and issue 16 emptied it.
ALLOWED: frozenset[tuple[str, str]] = frozenset()


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def pairs(violations: set[Violation]) -> set[tuple[str, str]]:
    return {(v.importer, v.imported) for v in violations}


def test_the_code_breaks_the_order_nowhere_but_in_the_allowed_places(graph):
    new = sorted(str(v) for v in graph.violations() if (v.importer, v.imported) not in ALLOWED)
    assert new == [], "imports that break the order (docs/architecture.md, Layers)"


def test_every_allowed_break_still_occurs_so_the_list_only_shrinks(graph):
    gone = ALLOWED - pairs(graph.violations())
    assert sorted(gone) == [], "fixed: remove these from ALLOWED"


def test_the_graph_sees_the_imports_the_code_has(graph):
    # a module-level import, an import inside a function, a relative import, an import_string name
    assert ("homecoming.site.views", "homecoming.returns.selectors") in graph.imports
    assert ("homecoming.cli", "django.core.management") in graph.imports
    migration = "homecoming.registry.migrations.0004_member_name_spelling_keys"
    assert (migration, "homecoming.registry.search_keys") in graph.imports
    assert ("homecoming.site.imports", "homecoming.registry.fieldforms") in graph.names


def test_the_diagram_in_the_doc_is_the_one_the_code_produces(graph):
    fresh = diagram(graph.edges, ALLOWED)
    assert documented_diagram() == fresh, (
        "docs/architecture.md's layers diagram is stale; run "
        "`PYTHONPATH=. python -m tests.layers --write`, or paste:\n" + fresh
    )


# The checker on small graphs: a property of its input, not only of today's tree.
LAYERS = (("pure",), ("base",), ("domain", "other"), ("top",))


def units(module: str) -> str:
    return module.split(".")[1]


def checked(imports, names=()):
    return check(imports, names=names, layers=LAYERS, django_free=["homecoming.pure"], unit=units)


def test_imports_downward_and_within_an_app_pass():
    assert (
        checked(
            {
                ("homecoming.top.views", "homecoming.domain.models"),
                ("homecoming.domain.models", "homecoming.base.models"),
                ("homecoming.domain.views", "homecoming.domain.models"),
                ("homecoming.base.models", "homecoming.pure.solve"),
                ("homecoming.base.models", "django.db"),
                ("homecoming.pure.solve", "numpy"),
            }
        )
        == set()
    )


def test_a_planted_upward_import_fails():
    planted = ("homecoming.base.views", "homecoming.domain.selectors")
    assert checked({planted}) == {Violation("upward", *planted)}


def test_an_upward_name_in_a_string_fails_like_an_import():
    planted = ("homecoming.base.imports", "homecoming.top.services")
    assert checked(set(), names={planted}) == {Violation("upward", *planted)}


def test_django_or_a_django_app_in_a_django_free_package_fails():
    assert checked(
        {("homecoming.pure.solve", "django.db"), ("homecoming.pure.solve", "rest_framework")}
    ) == {
        Violation("django", "homecoming.pure.solve", "django.db"),
        Violation("django", "homecoming.pure.solve", "rest_framework"),
    }
    assert checked({("homecoming.pure.solve", "homecoming.base.text")}) == {
        Violation("django", "homecoming.pure.solve", "homecoming.base.text"),
        Violation("upward", "homecoming.pure.solve", "homecoming.base.text"),
    }


def test_a_cycle_between_two_modules_fails_even_inside_one_app():
    loop = {
        ("homecoming.domain.a", "homecoming.domain.b"),
        ("homecoming.domain.b", "homecoming.domain.a"),
    }
    assert checked(loop) == {Violation("cycle", a, b) for a, b in loop}


def test_a_cycle_between_apps_of_one_layer_fails():
    loop = {
        ("homecoming.domain.a", "homecoming.other.b"),
        ("homecoming.other.c", "homecoming.domain.d"),
    }
    assert checked(loop) == {Violation("cycle", a, b) for a, b in loop}


def test_a_cycle_through_three_modules_names_every_edge_and_no_other():
    loop = {
        ("homecoming.domain.a", "homecoming.domain.b"),
        ("homecoming.domain.b", "homecoming.domain.c"),
        ("homecoming.domain.c", "homecoming.domain.a"),
    }
    tail = ("homecoming.domain.c", "homecoming.domain.d")
    assert checked(loop | {tail}) == {Violation("cycle", a, b) for a, b in loop}


def test_names_in_strings_make_no_cycle():
    assert (
        checked(
            {("homecoming.top.settings", "homecoming.top.wsgi")},
            names={("homecoming.top.wsgi", "homecoming.top.settings")},
        )
        == set()
    )


def test_an_app_placed_in_no_layer_fails():
    planted = ("homecoming.top.views", "homecoming.newapp.models")
    assert checked({planted}) == {Violation("unplaced", *planted)}


def test_imports_are_read_at_every_depth_and_relative_ones_resolved():
    source = (
        "import django\n"
        "from . import models\n"
        "from ..base.text import key\n"
        "def f():\n"
        "    from homecoming.top import views\n"
        "IMPORTERS = {'x': 'homecoming.top.services.x_import'}\n"
        "CHECK_ID = 'homecoming.W001'\n"
    )
    known = {"homecoming.domain.models", "homecoming.top.views", "homecoming.top.services"}
    imported, named = imports_of(source, "homecoming.domain.views", is_package=False, known=known)
    assert imported == {
        "django",
        "homecoming.domain.models",
        "homecoming.base.text",
        "homecoming.top.views",
    }
    assert named == {"homecoming.top.services"}


def test_a_planted_upward_import_in_a_copy_of_the_tree_fails(tmp_path: Path):
    package = tmp_path / "homecoming"
    for path in ("__init__.py", "places/__init__.py", "registry/__init__.py"):
        (package / path).parent.mkdir(parents=True, exist_ok=True)
        (package / path).write_text("")
    (package / "places" / "views.py").write_text(
        "def page():\n    from homecoming.registry.selectors import household_list_for_user\n"
    )
    (package / "registry" / "selectors.py").write_text("from homecoming.places import models\n")
    found = import_graph(package).violations()
    assert Violation("upward", "homecoming.places.views", "homecoming.registry.selectors") in found


def test_the_project_modules_form_the_top_unit():
    assert unit_of("homecoming.urls") == "project"
    assert unit_of("homecoming.registry.models") == "registry"
