"""`foxreviews up` runs with DEBUG off unless FOXREVIEWS_DEBUG=1 (the smoke test checks the
platform it starts: no debug page, static files still served)."""

import pytest

from foxreviews.runtime.supervisor import django_debug


@pytest.mark.parametrize(
    ("environ", "debug"),
    [
        ({}, "false"),
        ({"FOXREVIEWS_DEBUG": "0"}, "false"),
        ({"FOXREVIEWS_DEBUG": "yes"}, "false"),
        ({"DJANGO_DEBUG": "true"}, "false"),
        ({"FOXREVIEWS_DEBUG": "1"}, "true"),
    ],
)
def test_debug_is_off_unless_asked_for(environ, debug):
    assert django_debug(environ) == debug
