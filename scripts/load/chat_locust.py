"""
The node bench's journey (bench/lib/journey.ts) for Locust, an independent load generator in another
runtime: each visitor gets a token once (POST /v1/token, as the widget does), then runs six-turn lead
intakes through the gateway (POST /v1/chat, SSE), one session after another, no think time.

It reads each turn's SSE stream as it arrives and reports, besides Locust's own row for the POST
(time to response headers), three rows of its own:
  SSE ttft   time from sending the turn to the first `token` event
  SSE turn   the whole turn, to the end of the stream
  SSE check  a turn that failed a check: status 200, a token, ends with `done`, no `error` event
A failed check fails the run (Locust exits 1 when any request failed).

  /opt/locust/bin/locust -f scripts/load/chat_locust.py --headless -u 64 -r 64 --run-time 30s \
      --host http://127.0.0.1:3000 --csv /tmp/chat --only-summary

Environment: SITE_KEY (default pk_acme_web), ORIGIN (default https://acme.example), both of a tenant
the gateway knows. bench/arms/load-tool.ts runs it as a bench arm, bench/load-tool.test.ts in CI.
"""
import json
import os
import time
import uuid

from locust import HttpUser, constant, task

SITE_KEY = os.environ.get("SITE_KEY", "pk_acme_web")
ORIGIN = os.environ.get("ORIGIN", "https://acme.example")
SCRIPT = [
    "Hi, I'm Carla Diaz",
    "my email is carla@example.com",
    "call me on +1 415 555 0100",
    "budget is 150 a month",
    "the roof is pitched",
    "we could start next Monday",
]


def sse_events(chunks):
    """Yield (event, data) from an iterator of byte chunks, framing as in shared/src/sse.ts."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            event, data = None, None
            for line in block.decode("utf-8").split("\n"):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
            if event:
                yield event, data


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        res = self.client.post("/v1/token", json={"siteKey": SITE_KEY}, headers={"origin": ORIGIN}, name="/v1/token")
        if res.status_code != 200:
            raise RuntimeError(f"token: {res.status_code} {res.text[:200]}")
        self.token = res.json()["token"]

    def fire(self, name, ms, exc=None, length=0):
        self.environment.events.request.fire(
            request_type="SSE", name=name, response_time=ms, response_length=length, exception=exc, context={}
        )

    @task
    def intake(self):
        session_id = None
        for text in SCRIPT:
            body = {"message": {"id": str(uuid.uuid4()), "text": text}}
            if session_id:
                body["sessionId"] = session_id
            headers = {"authorization": f"Bearer {self.token}", "origin": ORIGIN, "accept": "text/event-stream"}
            t0 = time.perf_counter()
            ttft = None
            last = None
            error = None
            size = 0
            with self.client.post("/v1/chat", json=body, headers=headers, stream=True, name="/v1/chat", catch_response=True) as res:
                if res.status_code != 200:
                    error = f"status {res.status_code}"
                    res.failure(error)
                else:
                    res.success()

                    def counted(it):
                        nonlocal size
                        for c in it:
                            size += len(c)
                            yield c

                    for event, data in sse_events(counted(res.iter_content(chunk_size=65536))):
                        last = event
                        if event == "session":
                            session_id = json.loads(data)["sessionId"]
                        elif event == "token" and ttft is None:
                            ttft = (time.perf_counter() - t0) * 1000
                        elif event == "error":
                            error = f"error event {data}"
            total = (time.perf_counter() - t0) * 1000
            if error is None and ttft is None:
                error = "no token event"
            if error is None and last != "done":
                error = f"stream ended with {last!r}, not done"
            if error is not None:
                self.fire("check", total, RuntimeError(error))
                return
            self.fire("ttft", ttft)
            self.fire("turn", total, length=size)
