#!/usr/bin/env python3
"""Independent Agora Cloud Recording REST client, written from the spec only
(/work/shared/spec/agora-cloud-recording.md, sections 1-7 and 10).

It shares no code with the project. It runs the documented flow
acquire -> start -> query (until status 4/5) -> stop -> query (404) plus a few
documented error cases, prints one line per step and a final
"N passed, N failed" line. Exit code 0 only if every check passed.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# Running statuses, spec section 6 / 7.2: "recording is running" <=> status in {4, 5}.
RUNNING = (4, 5)
# Spec section 7.2 step 3: give up if not running 90 s after receiving the sid.
RUNNING_DEADLINE_S = 90.0
# Spec section 4.6: documented uploadingStatus values.
UPLOADING_STATUSES = ("uploaded", "backuped", "unknown")


class Timeout(Exception):
    """The overall --timeout budget is exhausted."""


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = args.base_url.rstrip("/")
        self.secret = args.customer_secret
        self.passed = 0
        self.failed = 0
        self.deadline = time.monotonic() + args.timeout

    # ------------------------------------------------------------------ output
    def say(self, line: str) -> None:
        # Never print the customer secret (nor its Basic token), even if echoed back.
        if self.secret:
            line = line.replace(self.secret, "***")
            line = line.replace(self._basic(self.args.customer_id, self.secret), "***")
        print(line, flush=True)

    def check(self, ok: bool, step: str, detail: str) -> bool:
        if ok:
            self.passed += 1
            self.say(f"ok {step} {detail}".rstrip())
        else:
            self.failed += 1
            self.say(f"FAIL {step} {detail}".rstrip())
        return ok

    # ---------------------------------------------------------------- transport
    @staticmethod
    def _basic(cid: str, secret: str) -> str:
        return base64.b64encode(f"{cid}:{secret}".encode("utf-8")).decode("ascii")

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def sleep(self, seconds: float) -> None:
        if self.remaining() <= seconds:
            raise Timeout()
        time.sleep(seconds)

    def request(self, method: str, path: str, body: object | None = None,
                auth: str | None = "default") -> tuple[int, object, str]:
        """Returns (http status, parsed JSON body or None, raw text).

        auth: "default" -> Basic with the configured credentials; None -> no
        Authorization header; any other string -> used verbatim as header value.
        """
        left = self.remaining()
        if left <= 0:
            raise Timeout()
        headers = {"Accept": "application/json"}
        if auth == "default":
            headers["Authorization"] = "Basic " + self._basic(self.args.customer_id, self.secret)
        elif auth is not None:
            headers["Authorization"] = auth
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"  # spec 1.3
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=min(left, 15.0)) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            if self.remaining() <= 0:
                raise Timeout() from e
            return 0, None, f"transport error: {e}"
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return status, parsed, text

    # ------------------------------------------------------------------- paths
    def p_acquire(self) -> str:
        return f"/v1/apps/{self.args.app_id}/cloud_recording/acquire"

    def p_start(self, rid: str) -> str:
        return (f"/v1/apps/{self.args.app_id}/cloud_recording/resourceid/"
                f"{urllib.parse.quote(rid, safe='')}/mode/{self.args.mode}/start")

    def p_sid(self, rid: str, sid: str, op: str) -> str:
        return (f"/v1/apps/{self.args.app_id}/cloud_recording/resourceid/"
                f"{urllib.parse.quote(rid, safe='')}/sid/{urllib.parse.quote(sid, safe='')}"
                f"/mode/{self.args.mode}/{op}")

    # -------------------------------------------------------------- helpers
    @staticmethod
    def short(text: str, n: int = 300) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= n else text[:n] + "..."

    def ids_match(self, body: object, rid: str | None, sid: str | None) -> list[str]:
        """Spec 4.1/4.2.6/4.3/4.6: responses carry cname, uid (strings), resourceId[, sid]."""
        problems: list[str] = []
        if not isinstance(body, dict):
            return ["body is not a JSON object"]
        if body.get("cname") != self.args.cname:
            problems.append(f"cname={body.get('cname')!r} expected {self.args.cname!r}")
        if body.get("uid") != self.args.uid:
            problems.append(f"uid={body.get('uid')!r} expected string {self.args.uid!r}")
        if rid is None:
            if not isinstance(body.get("resourceId"), str) or not body.get("resourceId"):
                problems.append(f"resourceId={body.get('resourceId')!r} expected non-empty string")
        elif body.get("resourceId") != rid:
            problems.append(f"resourceId={body.get('resourceId')!r} expected the acquired one")
        if sid is not None and body.get("sid") != sid:
            problems.append(f"sid={body.get('sid')!r} expected {sid!r}")
        return problems

    def expected_file_list_problems(self, sr: dict, sid: str) -> list[str]:
        """Spec 4.3 / 5: mix + ["hls"] -> fileListMode "string", fileList "<sid>_<cname>.m3u8";
        individual -> fileListMode "json", fileList array of objects."""
        problems: list[str] = []
        if self.args.mode == "mix":
            if sr.get("fileListMode") != "string":
                problems.append(f"fileListMode={sr.get('fileListMode')!r} expected 'string'")
            want = f"{sid}_{self.args.cname}.m3u8"
            if sr.get("fileList") != want:
                problems.append(f"fileList={sr.get('fileList')!r} expected {want!r}")
        else:
            if sr.get("fileListMode") != "json":
                problems.append(f"fileListMode={sr.get('fileListMode')!r} expected 'json'")
            fl = sr.get("fileList")
            if not isinstance(fl, list) or not all(isinstance(x, dict) for x in fl):
                problems.append(f"fileList={fl!r} expected array of objects")
        return problems

    # ------------------------------------------------------------- the checks
    def auth_checks(self) -> None:
        body = {"cname": self.args.cname, "uid": self.args.uid, "clientRequest": {}}
        # Spec 1.2 / 7.1: missing header -> 401 {"message":"Unauthorized"}
        st, js, text = self.request("POST", self.p_acquire(), body, auth=None)
        self.check(st == 401 and isinstance(js, dict) and js.get("message") == "Unauthorized",
                   "auth-missing", f"http={st} body={self.short(text)}")
        # Spec 1.2 / 7.1: wrong credentials -> 401 {"message":"Invalid authentication credentials"}
        wrong = "Basic " + self._basic(self.args.customer_id, "wrong-" + str(random.randint(1, 10**9)))
        st, js, text = self.request("POST", self.p_acquire(), body, auth=wrong)
        self.check(st == 401 and isinstance(js, dict)
                   and js.get("message") == "Invalid authentication credentials",
                   "auth-wrong-credentials", f"http={st} body={self.short(text)}")
        # Spec 1.2: wrong format ("Basic" prefix missing) -> same 401 message
        bare = self._basic(self.args.customer_id, self.secret)
        st, js, text = self.request("POST", self.p_acquire(), body, auth=bare)
        self.check(st == 401 and isinstance(js, dict)
                   and js.get("message") == "Invalid authentication credentials",
                   "auth-no-basic-prefix", f"http={st} body={self.short(text)}")

    def case_check(self) -> None:
        # Spec 1.3 / 8 / 7.1: bodies are case-sensitive; wrong-case name -> 400, body code 2.
        body = {"Cname": self.args.cname, "uid": self.args.uid, "clientRequest": {}}
        st, js, text = self.request("POST", self.p_acquire(), body)
        self.check(st == 400 and isinstance(js, dict) and js.get("code") == 2,
                   "acquire-wrong-case-Cname", f"http={st} body={self.short(text)}")

    def flow(self) -> None:
        a = self.args
        # ---- acquire (spec 4.1)
        acq_body = {"cname": a.cname, "uid": a.uid,
                    "clientRequest": {"scene": 0, "resourceExpiredHour": 24}}
        st, js, text = self.request("POST", self.p_acquire(), acq_body)
        probs = [] if st == 200 else [f"http={st}"]
        probs += self.ids_match(js, None, None)
        rid = js.get("resourceId") if isinstance(js, dict) else None
        if not self.check(not probs and isinstance(rid, str), "acquire",
                          f"resourceId={rid}" if not probs else
                          f"{'; '.join(probs)} body={self.short(text)}"):
            if not isinstance(rid, str) or not rid:
                return

        # ---- start (spec 4.2)
        recording_config: dict = {"channelType": 0, "streamTypes": 2, "maxIdleTime": 300}
        if a.mode == "mix":
            recording_config["audioProfile"] = 0
            recording_config["transcodingConfig"] = {
                "width": 640, "height": 360, "fps": 15, "bitrate": 500,
                "mixedVideoLayout": 1, "backgroundColor": "#000000"}
        else:  # individual: subscribeUidGroup is required (spec 4.2.1)
            recording_config["subscribeUidGroup"] = 0
        start_body = {
            "cname": a.cname, "uid": a.uid,
            "clientRequest": {
                "storageConfig": {
                    "vendor": 1, "region": 0, "bucket": "indep-spec-bucket",
                    "accessKey": "FAKEACCESSKEYINDEP", "secretKey": "fakeSecretKeyIndependentClient",
                    "fileNamePrefix": ["indep", "spec"]},
                "recordingConfig": recording_config,
                "recordingFileConfig": {"avFileType": ["hls"]},
            },
        }
        st, js, text = self.request("POST", self.p_start(rid), start_body)
        sid_at = time.monotonic()
        sid = js.get("sid") if isinstance(js, dict) else None
        probs = [] if st == 200 else [f"http={st}"]
        probs += self.ids_match(js, rid, None)
        if not isinstance(sid, str) or not sid:
            probs.append(f"sid={sid!r} expected non-empty string")
        if not self.check(not probs, "start", f"sid={sid}" if not probs else
                          f"{'; '.join(probs)} body={self.short(text)}"):
            if not isinstance(sid, str) or not sid:
                return

        # ---- query (spec 4.3, 6, 7.2): first query --first-query-delay s after the sid,
        # then poll until status 4 or 5; fail if not running 90 s after the sid.
        self.sleep(max(0.0, a.first_query_delay - (time.monotonic() - sid_at)))
        limit = sid_at + RUNNING_DEADLINE_S
        running_status = None
        last = ""
        shape_checked = False
        while True:
            if time.monotonic() > limit:
                break
            st, js, text = self.request("GET", self.p_sid(rid, sid, "query"))
            last = f"http={st} body={self.short(text)}"
            if st == 200 and isinstance(js, dict):
                probs = self.ids_match(js, rid, sid)
                sr = js.get("serverResponse")
                status = sr.get("status") if isinstance(sr, dict) else None
                if not isinstance(status, int) or isinstance(status, bool):
                    probs.append(f"serverResponse.status={status!r} expected number")
                if not shape_checked:  # counted once, on the first 200 answer
                    shape_checked = True
                    self.check(not probs, "query-shape",
                               f"status={status}" if not probs else
                               f"{'; '.join(probs)} body={self.short(text)}")
                if status in RUNNING:
                    running_status = status
                    break
            self.sleep(a.poll_interval)
        waited = time.monotonic() - sid_at
        self.check(running_status is not None, "query-running",
                   f"status={running_status} after {waited:.1f}s" if running_status is not None
                   else f"not status 4/5 within {RUNNING_DEADLINE_S:.0f}s of sid; last {last}")

        # Once status is 5 (first file uploaded), the file list must be there (spec 4.3, 5).
        # If we saw 4, keep polling for 5 within the same 90 s window.
        while running_status == 4 and time.monotonic() <= limit:
            self.sleep(a.poll_interval)
            st, js, text = self.request("GET", self.p_sid(rid, sid, "query"))
            sr = js.get("serverResponse") if isinstance(js, dict) else None
            if st == 200 and isinstance(sr, dict) and sr.get("status") == 5:
                running_status = 5
        if running_status is None:
            pass  # already failed above; still stop the task below
        elif running_status == 5:
            sr = js.get("serverResponse")
            probs = self.expected_file_list_problems(sr, sid)
            self.check(not probs, "query-status5-filelist",
                       f"fileListMode={sr.get('fileListMode')} fileList={sr.get('fileList')}"
                       if not probs else f"{'; '.join(probs)} body={self.short(text)}")
            if "sliceStartTime" not in sr:
                self.say("note query-status5: serverResponse.sliceStartTime absent "
                         "(listed in spec 4.3 table; not counted)")
        else:
            self.say("skip query-status5-filelist: status 5 not reached within 90 s of sid (not counted)")

        # ---- stop (spec 4.6), synchronous
        stop_body = {"cname": a.cname, "uid": a.uid, "clientRequest": {"async_stop": False}}
        st, js, text = self.request("POST", self.p_sid(rid, sid, "stop"), stop_body)
        probs = [] if st == 200 else [f"http={st}"]
        probs += self.ids_match(js, rid, sid)
        sr = js.get("serverResponse") if isinstance(js, dict) else None
        if not isinstance(sr, dict):
            probs.append("serverResponse missing")
        else:
            for k in ("fileListMode", "fileList", "uploadingStatus"):
                if k not in sr:
                    probs.append(f"serverResponse.{k} missing")
            if sr.get("uploadingStatus") not in UPLOADING_STATUSES:
                probs.append(f"uploadingStatus={sr.get('uploadingStatus')!r} not in {UPLOADING_STATUSES}")
            probs += self.expected_file_list_problems(sr, sid)
        self.check(not probs, "stop",
                   f"uploadingStatus={sr.get('uploadingStatus')} fileList={sr.get('fileList')}"
                   if not probs else f"{'; '.join(probs)} body={self.short(text)}")

        # ---- query after stop (spec 2, 7.1): session gone -> 404, body code 404
        st, js, text = self.request("GET", self.p_sid(rid, sid, "query"))
        self.check(st == 404, "query-after-stop-404", f"http={st} body={self.short(text)}")
        if st == 404:
            self.check(isinstance(js, dict) and js.get("code") == 404,
                       "query-after-stop-body-code",
                       f"body={self.short(text)} (spec 7.1: code 404 \"failed to find worker\")")

    def run(self) -> int:
        try:
            self.auth_checks()
            self.case_check()
            self.flow()
        except Timeout:
            self.failed += 1
            self.say(f"FAIL timeout overall --timeout {self.args.timeout}s exceeded")
        self.say(f"{self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 and self.passed > 0 else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Independent spec client for Agora Cloud Recording REST")
    p.add_argument("--base-url", required=True)
    p.add_argument("--customer-id", default="emulator-customer-id")
    p.add_argument("--customer-secret", default="emulator-customer-secret")
    p.add_argument("--app-id", default="0f3c5d7e9a1b4c6d8e0f2a4b6c8d0e1f")
    p.add_argument("--cname", default=None, help="default: a fresh spec-valid channel name")
    p.add_argument("--uid", default=None, help="decimal string in 1..2^32-1; default random")
    p.add_argument("--mode", default="mix", choices=["mix", "individual"])
    p.add_argument("--timeout", type=float, default=60.0, help="overall seconds")
    p.add_argument("--first-query-delay", type=float, default=5.0,
                   help="seconds after the sid before the first query (spec 7.2: 5)")
    p.add_argument("--poll-interval", type=float, default=1.0)
    args = p.parse_args(argv)
    if args.cname is None:
        args.cname = f"indep_{int(time.time())}_{random.randint(1000, 9999)}"
    if args.uid is None:
        args.uid = str(random.randint(100000, 2**32 - 1))
    return Runner(args).run()


if __name__ == "__main__":
    sys.exit(main())
