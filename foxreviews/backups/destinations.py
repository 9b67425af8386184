"""Where backups are kept: a folder, or an S3-compatible bucket (boto3) when BACKUP_S3_BUCKET
is set. A backup is two objects of the same stem: `<stem>.dump` and `<stem>.manifest.json`."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.conf import settings

from foxreviews.core.paths import BACKUP_MANIFEST_SUFFIX

from .errors import BackupError

DUMP_SUFFIX = ".dump"


class Destination(Protocol):
    description: str

    def put(self, local: Path) -> None: ...

    def names(self) -> list[str]: ...

    def delete(self, names: list[str]) -> None: ...


class FolderDestination:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.description = str(folder)

    def put(self, local: Path) -> None:
        if local.parent.resolve() != self.folder.resolve():
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(local, self.folder / local.name)

    def names(self) -> list[str]:
        return [path.name for path in self.folder.iterdir()] if self.folder.is_dir() else []

    def delete(self, names: list[str]) -> None:
        for name in names:
            (self.folder / name).unlink(missing_ok=True)


class S3Destination:
    def __init__(self, *, bucket: str, prefix: str, client) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix, client
        self.description = f"s3://{bucket}/{prefix}"

    def put(self, local: Path) -> None:
        # multipart above 8 MiB, parts sent in parallel (boto3's managed transfer)
        self.client.upload_file(str(local), self.bucket, self.prefix + local.name)

    def names(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        return [
            item["Key"][len(self.prefix) :]
            for page in pages
            for item in page.get("Contents", [])
            if "/" not in item["Key"][len(self.prefix) :]
        ]

    def delete(self, names: list[str]) -> None:
        for start in range(0, len(names), 1000):  # DeleteObjects takes 1,000 keys at most
            keys = [{"Key": self.prefix + name} for name in names[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})


@contextlib.contextmanager
def local_copy(source: str) -> Iterator[Path]:
    """The backup named by a path, or by `s3://bucket/<stem>.dump`: then it and its manifest
    are downloaded into a temporary folder of BACKUP_DIR, removed afterwards."""
    if not source.startswith("s3://"):
        yield Path(source)
        return
    url = urllib.parse.urlsplit(source)
    key = url.path.lstrip("/")
    stem = key.removesuffix(DUMP_SUFFIX)
    client = s3_client()
    Path(settings.BACKUP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.BACKUP_DIR, prefix="restore-") as folder:
        for object_key in (key, stem + BACKUP_MANIFEST_SUFFIX):
            try:
                client.download_file(url.netloc, object_key, f"{folder}/{Path(object_key).name}")
            except Exception as exc:  # botocore's: a missing key, a refused access...
                why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise BackupError(f"refused: s3://{url.netloc}/{object_key}: {why}") from None
        yield Path(folder) / Path(key).name


def s3_client():
    import boto3  # only when a bucket is configured

    return boto3.client(
        "s3",
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL or None,
        region_name=settings.BACKUP_S3_REGION or None,
    )


def configured_destination(folder: Path | None = None) -> Destination:
    """`folder` when given (`foxreviews backup --dir`), else the bucket when one is set, else
    BACKUP_DIR."""
    if folder is None and settings.BACKUP_S3_BUCKET:
        prefix = settings.BACKUP_S3_PREFIX
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return S3Destination(bucket=settings.BACKUP_S3_BUCKET, prefix=prefix, client=s3_client())
    return FolderDestination(folder or Path(settings.BACKUP_DIR))
