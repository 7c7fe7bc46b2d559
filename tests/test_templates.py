"""Templates as a whole: macros imported without the page's context need none of it.

Jinja builds a macro file imported ``with context`` anew for every rendering that imports it
(about a tenth of a millisecond for the timeline's macros on each page view); imported
without it, it is built once. A macro file imported so must then read nothing but its
arguments and the environment's globals: anything else would be silently undefined.
"""

import pytest
from jinja2 import meta, nodes


@pytest.fixture
def environment(app):
    return app.jinja_env


def imports_without_context(environment) -> list[tuple[str, str, tuple[str, ...]]]:
    """(template, imported macro file, the macros it takes) for every import that does not
    pass the context (``{% import %}`` takes every macro)."""
    found = []
    for name in environment.list_templates(extensions=["html"]):
        source = environment.loader.get_source(environment, name)[0]
        for node in environment.parse(source).find_all((nodes.FromImport, nodes.Import)):
            if node.with_context or not isinstance(node.template, nodes.Const):
                continue
            taken = (
                ()
                if isinstance(node, nodes.Import)
                else tuple(name if isinstance(name, str) else name[0] for name in node.names)
            )
            found.append((name, node.template.value, taken))
    return found


def context_read_by(environment, macro_file: str, taken: tuple[str, ...]) -> set[str]:
    """What these macros of the file (every one if none is named), and those they call in
    it, read that is neither an argument, a name they set, a name the file sets or imports,
    nor one of the environment's globals."""
    source = environment.loader.get_source(environment, macro_file)[0]
    template = environment.parse(source)
    macros = {macro.name: macro for macro in template.find_all(nodes.Macro)}
    wanted, todo = set(), list(taken or macros)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(n.name for n in macros[name].find_all(nodes.Name) if n.name in macros)
    # What the file sets and imports at its top level, its macros may read.
    top = (nodes.FromImport, nodes.Import, nodes.Assign, nodes.AssignBlock)
    body = [node for node in template.body if isinstance(node, top)]
    body += [macros[name] for name in sorted(wanted)]
    ast = nodes.Template(body).set_environment(environment)
    return meta.find_undeclared_variables(ast) - set(environment.globals)


def test_macros_imported_without_context_read_only_globals(environment):
    imports = imports_without_context(environment)
    assert (
        "timeline/_member_timeline.html",
        "timeline/_macros.html",
        ("chart_panel",),
    ) in imports
    needing = {
        (template, macros): read
        for template, macros, taken in imports
        if (read := context_read_by(environment, macros, taken))
    }
    assert needing == {}


def test_the_check_sees_a_macro_that_reads_the_context(environment):
    """``current_user`` comes from a context processor, not from the globals: the feedback
    card reads it, the trait picker beside it does not."""
    taken = ("feedback_card",)
    assert context_read_by(environment, "feedback/_macros.html", taken) == {"current_user"}
    assert context_read_by(environment, "feedback/_macros.html", ("trait_picker",)) == set()
