#!/usr/bin/env python3
"""Independent Tencent TRTC cloud-recording client, written from the spec only
(/work/shared/spec/trtc-cloud-recording.md, sections 1-4 and 7).

It shares no code with the project. It signs every request with its own
TC3-HMAC-SHA256 implementation (section 1.3, checked first against the
section's test vector), runs Create -> Describe (until InProgress) -> Modify ->
Delete -> Describe, plus documented error cases, prints one line per check and
a final "N passed, N failed" line. Exit code 0 only if every check passed.

Standard library only (Python 3.11). The SecretKey comes from the environment
variable TRTC_SECRET_KEY and is never printed.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

VERSION = "2019-07-22"  # section 1.1
STATUSES = ("Idle", "InProgress", "Exited")  # section 2.2
TRACK_TYPES = ("audio", "video", "audio_video")  # section 2.2 StorageFile


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_authorization(secret_id: str, secret_key: str, service: str, host: str,
                      content_type: str, body: bytes, timestamp: int) -> str:
    """Section 1.3 steps 1-5."""
    date = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%d")
    canonical_headers = f"content-type:{content_type}\nhost:{host}\n"
    signed_headers = "content-type;host"
    canonical_request = "\n".join(["POST", "/", "", canonical_headers, signed_headers, sha256_hex(body)])
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                                sha256_hex(canonical_request.encode("utf-8"))])
    k_date = hmac_sha256(("TC3" + secret_key).encode("utf-8"), date)
    k_service = hmac_sha256(k_date, service)
    k_signing = hmac_sha256(k_service, "tc3_request")
    signature = hmac.new(k_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}")


def special_b64(s: str) -> str:
    """Section 3.4: standard base64, then '/' -> '-' and '=' -> '.'; '+' kept."""
    return base64.b64encode(s.encode("utf-8")).decode("ascii").replace("/", "-").replace("=", ".")


class Runner:
    def __init__(self, args: argparse.Namespace, secret_key: str) -> None:
        self.args = args
        self.secret_key = secret_key
        url = urllib.parse.urlparse(args.base_url)
        self.url = f"{url.scheme}://{url.netloc}/"
        self.host = url.hostname or ""
        self.netloc = url.netloc
        self.passed = 0
        self.failed = 0

    def say(self, line: str) -> None:
        if self.secret_key:
            line = line.replace(self.secret_key, "***")
        print(line, flush=True)

    def check(self, ok: bool, step: str, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        self.say(f"{'ok' if ok else 'FAIL'} {step} {detail}".rstrip())
        return ok

    def call(self, action: str, params: dict, secret_key: str | None = None,
             region: str | None = None) -> tuple[int, dict | None]:
        body = json.dumps(params, separators=(",", ":")).encode("utf-8")
        ts = int(time.time())
        # Section 7.6: the signed host line is the host name without the port; the
        # credential-scope service is "trtc" (the emulator reads it from the scope).
        auth = tc3_authorization(self.args.secret_id, secret_key or self.secret_key, "trtc",
                                 self.host, "application/json", body, ts)
        headers = {
            "Content-Type": "application/json",
            "Host": self.netloc,
            "X-TC-Action": action,
            "X-TC-Version": VERSION,
            "X-TC-Timestamp": str(ts),
            "X-TC-Region": region or self.args.region,
            "Authorization": auth,
        }
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=6) as r:  # section 3.1: 6 s per call
                status, text = r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        return status, data

    def envelope(self, step: str, status: int, data: dict | None) -> dict:
        """Section 1.4: HTTP 200, one top-level key Response with a RequestId."""
        resp = data.get("Response") if isinstance(data, dict) else None
        ok = status == 200 and isinstance(data, dict) and list(data.keys()) == ["Response"] \
            and isinstance(resp, dict) and isinstance(resp.get("RequestId"), str) and resp["RequestId"] != ""
        self.check(ok, f"{step}.envelope", f"http={status}")
        return resp if isinstance(resp, dict) else {}

    def error_code(self, resp: dict) -> str | None:
        err = resp.get("Error")
        if isinstance(err, dict) and isinstance(err.get("Code"), str):
            return err["Code"]
        return None

    # ------------------------------------------------------------------ flow
    def run(self) -> None:
        vec = tc3_authorization("AKIDEXAMPLE", "EXAMPLEKEY", "trtc", "trtc.tencentcloudapi.com",
                                "application/json", b'{"SdkAppId":1400000000,"TaskId":"task-abc"}', 1700000000)
        self.check(vec.endswith("Signature=965e0f732d0b783d9eb92c25b4f14fa78cc6a308fb86f975e661dd99d2619e73"),
                   "signer.test-vector")

        app = self.args.sdk_app_id
        room = str(random.randint(10_000_000, 99_999_999))
        user = f"rec_{room}"
        create = {
            "SdkAppId": app, "RoomId": room, "RoomIdType": 1, "UserId": user, "UserSig": "spec-client-sig",
            "RecordParams": {"RecordMode": 1, "MaxIdleTime": 30, "StreamType": 0},
            "StorageParams": {"CloudStorage": {"Vendor": 0, "Region": "ap-shanghai", "Bucket": "spec-bucket",
                                                "AccessKey": "spec-access", "SecretKey": "spec-storage-secret"}},
        }

        # Section 2.1: success returns TaskId.
        resp = self.envelope("create", *self.call("CreateCloudRecording", create))
        task_id = resp.get("TaskId")
        if not self.check(isinstance(task_id, str) and task_id != "" and "Error" not in resp,
                          "create.taskId", f"error={self.error_code(resp)}"):
            return

        # Section 2.2 / 6.3: describe until InProgress (Idle while nothing is pulled yet).
        deadline = time.monotonic() + self.args.in_progress_deadline
        seen: list[str] = []
        resp = {}
        while time.monotonic() < deadline:
            resp = self.envelope("describe", *self.call("DescribeCloudRecording", {"SdkAppId": app, "TaskId": task_id}))
            status = resp.get("Status")
            seen.append(str(status))
            if status not in STATUSES or status == "InProgress":
                break
            time.sleep(self.args.poll_interval)
        self.check(resp.get("Status") == "InProgress", "describe.inProgress", f"seen={seen}")
        self.check(resp.get("TaskId") == task_id, "describe.taskId")
        self.check(all(s in STATUSES for s in seen), "describe.statusValues")
        files = resp.get("StorageFileList")
        self.check(isinstance(files, list) and len(files) > 0, "describe.files", f"n={len(files or [])}")
        # Section 3.4: single-stream m3u8 <SdkAppId>_<RoomId>__UserId_s_<b64 UserId>__UserId_e_<MediaId>_<Type>.m3u8
        pat = re.compile(rf"^{app}_{room}__UserId_s_([A-Za-z0-9+\-.]+)__UserId_e_(main|aux)_(audio|video)\.m3u8$")
        for f in files or []:
            m = pat.match(str(f.get("FileName", "")))
            ok = bool(m) and f.get("TrackType") in TRACK_TYPES and isinstance(f.get("BeginTimeStamp"), int) \
                and f["BeginTimeStamp"] > 1_600_000_000_000 and m.group(1) == special_b64(str(f.get("UserId"))) \
                and m.group(3) == f.get("TrackType")
            self.check(ok, "describe.fileName", str(f.get("FileName")))

        # Section 2.3: Modify (full overwrite) answers TaskId.
        resp = self.envelope("modify", *self.call("ModifyCloudRecording", {
            "SdkAppId": app, "TaskId": task_id,
            "SubscribeStreamUserIds": {"SubscribeAudioUserIds": ["a.*$"], "SubscribeVideoUserIds": ["a.*$"]}}))
        self.check(resp.get("TaskId") == task_id and "Error" not in resp, "modify.ok", f"error={self.error_code(resp)}")

        # Section 2.1: MixLayoutParams on a single-stream task is mixed-mode only -> an error.
        resp = self.envelope("modify-layout", *self.call("ModifyCloudRecording", {
            "SdkAppId": app, "TaskId": task_id, "MixLayoutParams": {"MixLayoutMode": 3}}))
        self.check(self.error_code(resp) is not None, "modify.layoutOnSingleStream", f"code={self.error_code(resp)}")

        # Section 2.4: Delete answers TaskId.
        resp = self.envelope("delete", *self.call("DeleteCloudRecording", {"SdkAppId": app, "TaskId": task_id}))
        self.check(resp.get("TaskId") == task_id and "Error" not in resp, "delete.ok", f"error={self.error_code(resp)}")

        # Section 2.2: after exit, Describe either still says Exited or returns an error.
        resp = self.envelope("describe-after", *self.call("DescribeCloudRecording", {"SdkAppId": app, "TaskId": task_id}))
        self.check(resp.get("Status") == "Exited" or self.error_code(resp) is not None, "describe.afterDelete",
                   f"status={resp.get('Status')} code={self.error_code(resp)}")

        # Section 4.1 error cases.
        resp = self.envelope("unknown-task", *self.call("DescribeCloudRecording", {"SdkAppId": app, "TaskId": "no-such-task"}))
        code = self.error_code(resp)
        self.check(code in ("ResourceNotFound", "InvalidParameter.OutOfRange", "FailedOperation.TaskNotExist"),
                   "describe.unknownTask", f"code={code}")
        bad = dict(create)
        del bad["UserSig"]
        resp = self.envelope("missing-usersig", *self.call("CreateCloudRecording", bad))
        self.check(self.error_code(resp) == "MissingParameter.UserSig", "create.missingUserSig", f"code={self.error_code(resp)}")
        both = dict(create, StorageParams={**create["StorageParams"], "CloudVod": {"TencentVod": {}}})
        resp = self.envelope("both-storages", *self.call("CreateCloudRecording", both))
        code = self.error_code(resp) or ""
        self.check(code.startswith("InvalidParameter"), "create.bothStorages", f"code={code}")
        out = dict(create, ResourceExpiredHour=5)  # minimum 6
        resp = self.envelope("expired-hour", *self.call("CreateCloudRecording", out))
        self.check((self.error_code(resp) or "").startswith("InvalidParameter"), "create.resourceExpiredHourRange",
                   f"code={self.error_code(resp)}")

        # Section 1.5 / 7.6: a forged signature -> AuthFailure.SignatureFailure, still HTTP 200.
        resp = self.envelope("forged", *self.call("DescribeCloudRecording", {"SdkAppId": app, "TaskId": "x"},
                                                  secret_key="forged-" + str(random.random())))
        self.check(self.error_code(resp) == "AuthFailure.SignatureFailure", "auth.forgedSignature", f"code={self.error_code(resp)}")
        resp = self.envelope("region", *self.call("DescribeCloudRecording", {"SdkAppId": app, "TaskId": "x"},
                                                  region="xx-nowhere"))
        self.check(self.error_code(resp) == "UnsupportedRegion", "region.unsupported", f"code={self.error_code(resp)}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8044")
    p.add_argument("--secret-id", required=True)
    p.add_argument("--region", default="ap-guangzhou")
    p.add_argument("--sdk-app-id", type=int, default=1400188366)
    p.add_argument("--in-progress-deadline", type=float, default=30.0)
    p.add_argument("--poll-interval", type=float, default=0.5)
    args = p.parse_args()
    secret_key = os.environ.get("TRTC_SECRET_KEY", "")
    if not secret_key:
        print("TRTC_SECRET_KEY is not set", file=sys.stderr)
        return 2
    r = Runner(args, secret_key)
    try:
        r.run()
    except Exception as e:  # a crash is a failed check, not a traceback with request data
        r.check(False, "run.exception", type(e).__name__ + ": " + str(e))
    print(f"{r.passed} passed, {r.failed} failed", flush=True)
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
