"""Where backups are kept: a folder, or an S3-compatible bucket (boto3) when BACKUP_S3_BUCKET
is set. A backup is two objects of the same stem: `<stem>.dump` and `<stem>.manifest.json`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings


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
