"""Cache generations: bumped on commit, and never restarted at a value an old entry may carry."""


def test_an_evicted_generation_restarts_above_every_earlier_value(
    db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from releases import cache as generations

    first = generations.generation(generations.LUANTI_LISTS)
    with django_capture_on_commit_callbacks(execute=True):
        generations.bump(generations.LUANTI_LISTS)
    bumped = generations.generation(generations.LUANTI_LISTS)
    assert bumped == first + 1
    cache.delete(generations.generation_key(generations.LUANTI_LISTS))  # evicted
    assert generations.generation(generations.LUANTI_LISTS) > bumped
