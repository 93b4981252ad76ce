"""A worker starts with every language ready: a rally alert's first task must not
spend its first second loading catalogues and URL patterns (issue 18)."""

from celery.signals import worker_init
from django.conf import settings
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from cms.celery import warm_languages


def test_a_worker_has_every_languages_catalogue_and_urls_before_its_first_task():
    trans_real._translations = {}
    clear_url_caches()
    languages = {code for code, _name in settings.LANGUAGES}

    warm_languages()

    assert languages <= set(trans_real._translations)
    assert languages <= set(get_resolver()._reverse_dict)
    # Run by every worker as it starts, before its pool forks.
    receivers = [receiver() for _key, receiver in worker_init.receivers]
    assert warm_languages in receivers
