"""Cache generations: bumped on commit, and never restarted at a value an old entry may carry."""


def test_an_evicted_generation_restarts_above_every_earlier_value(
    db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from media_tools.generations import bump, generation, generation_key
    from packages.invalidation import LUANTI_LISTS

    first = generation(LUANTI_LISTS)
    with django_capture_on_commit_callbacks(execute=True):
        bump(LUANTI_LISTS)
    bumped = generation(LUANTI_LISTS)
    assert bumped == first + 1
    cache.delete(generation_key(LUANTI_LISTS))  # evicted
    assert generation(LUANTI_LISTS) > bumped
