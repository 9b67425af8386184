"""/health/ says when the last backup was written, from the manifests' files alone, and does
not fail when there is none yet."""

import os
import time

import pytest


@pytest.mark.django_db
def test_health_says_when_the_last_backup_was_written(client, settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path / "none-yet")
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["backup"] == {"last": None, "age_hours": None}
    settings.BACKUP_DIR = str(tmp_path)
    for name, hours_ago in (("foxreviews-20261128T050000Z", 54), ("foxreviews-20261130T0500Z", 3)):
        path = tmp_path / f"{name}.manifest.json"
        path.write_text("{}")
        written = time.time() - hours_ago * 3600
        os.utime(path, (written, written))
    (tmp_path / "foxreviews-20261130T060000Z.dump").write_bytes(b"")  # a dump being written
    backup = client.get("/health/").json()["backup"]
    assert backup["age_hours"] == 3.0
    assert backup["last"].endswith("+00:00")
