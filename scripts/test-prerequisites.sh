#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest) and in .ci/run: make sure what the test suite talks to
# exists on this machine. Redis: OP_TEST_REDIS_URL, or a local server on 127.0.0.1:6379, started
# here if none answers. Chromium (Debian's package, for the browser tests): installed with apt-get
# when missing and we are root; otherwise the browser tests fail with instructions.
set -u

if [ -z "${OP_TEST_REDIS_URL:-}" ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "test prerequisites: starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  else
    echo "test prerequisites: no Redis on 127.0.0.1:6379 and no redis-server to start; set OP_TEST_REDIS_URL" >&2
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test prerequisites: installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "test prerequisites: could not install chromium; the browser tests will say how" >&2
  else
    echo "test prerequisites: /usr/bin/chromium is missing; install Debian's chromium package for the browser tests" >&2
  fi
fi
exit 0
