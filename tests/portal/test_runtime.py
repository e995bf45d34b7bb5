import gc
import importlib


def test_a_web_process_freezes_what_it_loaded_at_start_up():
    """portal/wsgi.py keeps the loaded application out of the collector's full passes (portal.runtime)."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        import portal.wsgi

        importlib.reload(portal.wsgi)
        assert gc.get_freeze_count() > 1000
        assert callable(portal.wsgi.application)
    finally:
        gc.unfreeze()
