#!/usr/bin/env bash
# Builds RenderQueue once and runs every test project. Installs with apt-get whatever the tests need when it is
# missing. Exits non-zero on any failure. Run one class with:
#   dotnet test tests/RenderQueue.Server.Tests --filter FullyQualifiedName~LeaseLifecycleTests
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration="${CONFIGURATION:-Release}"

apt_updated=false
# need <command> <debian package>: installs the package when the command is missing (looking in sbin too, where
# nginx lives). Its service is not started: the tests start their own instances on free ports, and a packaged
# service failing to start (port 80 taken) would fail the install.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ -x "/usr/sbin/$1" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if [ "$apt_updated" = false ]; then
    echo "test.sh: apt-get update (to install $2)"
    $sudo apt-get update -qq
    apt_updated=true
  fi
  echo "test.sh: installing $2 for $1 (without starting its service)"
  local policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\n# test.sh: install without starting services\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
  fi
  local status=0
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null || status=$?
  if [ -n "$policy" ]; then $sudo rm -f "$policy"; fi
  return "$status"
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK is missing: install the SDK named in global.json ($(grep -o '"version": *"[^"]*"' global.json))." >&2
  exit 1
fi
need redis-server redis-server   # the Redis store's and the cluster tests start real redis-server processes
need nginx nginx                 # the cluster tests run deploy/nginx/renderqueue.conf in a real nginx
need python3 python3             # the security docs test runs the Python webhook-verification snippet
need chromium chromium           # the dashboard's tests drive Debian's Chromium (/usr/bin/chromium) with Playwright
# Suites that need more add a line here.

echo "test.sh: building RenderQueue.slnx ($configuration)"
dotnet build RenderQueue.slnx -c "$configuration" -warnaserror -nologo -v quiet

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# The fault-injection suite kills and stalls real processes against short leases; it runs last and alone, so the
# other projects (run two at a time) do not starve its processes of CPU.
echo "test.sh: running every test project but the fault-injection suite"
dotnet test RenderQueue.slnx -c "$configuration" --no-build --nologo --filter "FullyQualifiedName!~RenderQueue.Faults.Tests" 2>&1 \
  | tee "$log" || status=$?
echo "test.sh: running the fault-injection suite (tests/RenderQueue.Faults.Tests)"
dotnet test tests/RenderQueue.Faults.Tests -c "$configuration" --no-build --nologo 2>&1 | tee -a "$log" || status=$?

# One closing line over all projects: "N passed, N failed, N skipped".
summary() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(summary Passed)
failed=$(summary Failed)
skipped=$(summary Skipped)
echo
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then exit 1; fi
