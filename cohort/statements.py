"""Statements built once per process and run with the viewer's id as a parameter.

Building a statement of a few subqueries, and its cache key, costs the app more CPU than
PostgreSQL spends running it. A page's statement that depends on the viewer only through
the permission functions (``visible_inventories(user)`` and the like) can be built once from
``ANY_VIEWER`` and kept (``functools.cache``); the same object keeps its cache key, and each
request gives ``viewer_id`` when it runs it.
"""

from typing import cast

from sqlalchemy import Integer, bindparam

from .auth.models import User


class AnyViewer:
    """Stands for the signed-in viewer: the permission functions build from it the statement
    they build from a user, with the id left as the parameter ``viewer_id``."""

    id = bindparam("viewer_id", type_=Integer)
    is_authenticated = True


ANY_VIEWER = cast(User, AnyViewer())
