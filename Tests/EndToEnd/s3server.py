"""moto's standalone S3 server for the collector's tests, with request authentication on.

The first three requests are unauthenticated (INITIAL_NO_AUTH_ACTION_COUNT=3): they create an IAM
user, give it S3 rights and an access key. Every later request is checked, AWS Signature V4
included, so a wrongly signed request or a wrong secret fails. The bucket has Object Lock.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

NO_AUTH_REQUESTS = 3
S3_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    """A running moto_server with an authenticated user and an object-locked bucket."""

    def __init__(self, log_path, bucket="hrec-journals"):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = bucket
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(NO_AUTH_REQUESTS))
        moto_server = os.path.join(os.path.dirname(sys.executable), "moto_server")
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([moto_server, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
            self._create_user()
            self.client().create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                # /moto-api/ is not an AWS action: it does not count against the unauthenticated ones.
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start (see {self.log.name})")
                time.sleep(0.2)

    def _create_user(self):
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="collector")
        iam.put_user_policy(UserName="collector", PolicyName="s3", PolicyDocument=json.dumps(S3_POLICY))
        key = iam.create_access_key(UserName="collector")["AccessKey"]
        self.access_key, self.secret_key = key["AccessKeyId"], key["SecretAccessKey"]

    def client(self, secret=None):
        """A boto3 S3 client signing as the user (or with another secret)."""
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.access_key, aws_secret_access_key=secret or self.secret_key,
                            config=Config(s3={"addressing_style": "path"}))

    def objects(self, prefix=""):
        """Every key under `prefix` with its bytes. (Listed whole and filtered here: moto 5.2.1
        checks the signature of a query holding an encoded '/' against the decoded query, so a
        correctly signed `prefix=a%2F` fails there, from boto3 too.)"""
        client = self.client()
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            keys += [item["Key"] for item in page.get("Contents", []) if item["Key"].startswith(prefix)]
        return {key: client.get_object(Bucket=self.bucket, Key=key)["Body"].read() for key in keys}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
