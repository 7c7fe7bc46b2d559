"""Keep the garbage collector's share of a request small.

A web process holds a few hundred thousand objects that live as long as it does: the ORM's
mappers, compiled templates and statements, Babel's locale data. Python's full collection walks
every one of them: on the benchmark's big data about 110 ms each, one every couple of hundred
requests, so half a millisecond per request on average (a tenth of the feed's cost) and a
stall for whichever request triggers it.

Once the process has served its first requests (templates compiled, statements cached), what
it holds is moved out of the collector's sight (``gc.freeze``), after one last full collection
so no garbage is kept. Objects made later are collected as before; frozen ones are still freed
when nothing refers to them any more. ``GC_FREEZE_AFTER_REQUESTS`` (0: never) says when.
"""

import gc
import threading

from flask import Flask, Response


def init_app(app: Flask) -> None:
    after = app.config["GC_FREEZE_AFTER_REQUESTS"]
    if after <= 0:
        return
    gc.freeze()  # what building the app made
    served = 0
    lock = threading.Lock()

    @app.after_request
    def count_and_settle(response: Response) -> Response:
        nonlocal served
        if served >= after:  # every later request: one comparison
            return response
        with lock:
            if served < after:
                served += 1
                if served == after:
                    response.call_on_close(settle)  # once the client has its answer
        return response


def settle() -> None:
    """One full collection, then everything still alive is left out of later ones."""
    gc.collect()
    gc.freeze()
