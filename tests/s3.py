"""A local S3-compatible server for tests: moto's standalone server as a real process on a
free port, with a bucket of its own."""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
}


@dataclass
class S3Server:
    endpoint: str
    bucket: str

    def env(self, prefix: str = "site") -> dict[str, str]:
        """The settings that point congress at this bucket."""
        return {
            **CREDENTIALS,
            "CONGRESS_STORAGE_URL": f"s3://{self.bucket}/{prefix}",
            "CONGRESS_S3_ENDPOINT_URL": self.endpoint,
        }

    def objects(self) -> list[str]:
        """Every key in the bucket (straight from S3, not through congress)."""
        found: list[str] = []
        for page in self._client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            found += [item["Key"] for item in page.get("Contents", [])]
        return sorted(found)

    def read(self, key: str) -> bytes:
        """One object's bytes (straight from S3)."""
        return bytes(self._client().get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def new_bucket(self) -> S3Server:
        """Another, empty bucket on the same server."""
        bucket = f"congress-{uuid.uuid4().hex[:10]}"
        self._client().create_bucket(Bucket=bucket)
        return S3Server(self.endpoint, bucket)

    def _client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, **_boto())


def _boto() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_REGION"],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def s3_server(log: Path) -> Iterator[S3Server]:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **CREDENTIALS},
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                httpx.get(endpoint, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        import boto3

        bucket = f"congress-{uuid.uuid4().hex[:10]}"
        boto3.client("s3", endpoint_url=endpoint, **_boto()).create_bucket(Bucket=bucket)
        yield S3Server(endpoint, bucket)
    finally:
        process.terminate()
        process.wait(timeout=10)


def presigned_refusal(url: str, now: datetime | None = None) -> str | None:
    """Why a store that checks presigned addresses as AWS does would refuse ``url`` at ``now``,
    or None when it would accept it. Moto's server accepts any address that carries a
    signature, expired or altered, so the tests check the signature and the lifetime here:
    SigV4 query authentication, recomputed with the test credentials."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(query)
    if given.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or "X-Amz-Signature" not in given:
        return "not a SigV4 presigned address"
    signed_at = datetime.strptime(given["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    lifetime = int(given["X-Amz-Expires"])
    if (now or datetime.now(UTC)) > signed_at + timedelta(seconds=lifetime):
        return "expired"
    key_id, day, region, service, _ = given["X-Amz-Credential"].split("/")
    if key_id != CREDENTIALS["AWS_ACCESS_KEY_ID"] or day != given["X-Amz-Date"][:8]:
        return "unknown credentials"
    canonical_query = "&".join(
        f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}"
        for name, value in sorted(query)
        if name != "X-Amz-Signature"
    )
    headers = given["X-Amz-SignedHeaders"]
    canonical = "\n".join(
        [
            "GET",
            parts.path,
            canonical_query,
            f"host:{parts.netloc}",
            "",
            headers,
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    text = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            given["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = ("AWS4" + CREDENTIALS["AWS_SECRET_ACCESS_KEY"]).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, given["X-Amz-Signature"]) else "bad signature"
