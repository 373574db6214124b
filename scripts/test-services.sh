#!/usr/bin/env bash
# What the test suite needs from the machine, installed or started when missing:
#   - PostgreSQL answering at 127.0.0.1:5432 (started with pg_ctlcluster when installed but down)
#   - OpenLDAP slapd + ldap-utils + openssl (the LDAP plugin's tests start their own slapd, with
#     a test CA for TLS; the system slapd is never started)
#   - Debian's Chromium (the admin app's end-to-end tests drive /usr/bin/chromium)
# Debian packages come from apt-get (as root, or with sudo when it needs no password).
# Run by `npm test` (scripts/test.mjs) and by .ci/run. DIALBOOK_TEST_NO_INSTALL=1 skips installing.
# Never fails by itself: what is still missing afterwards is reported here, and the tests that
# need it say so loudly (and fail under CI=true).
set -uo pipefail

say() { printf '[test services] %s\n' "$*"; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
fi
can_install() { [ "${DIALBOOK_TEST_NO_INSTALL:-}" != "1" ] && [ "$sudo" != "none" ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=""
apt_install() {
  if ! can_install; then
    say "missing: $* — install them with: sudo apt-get install -y $*"
    return 1
  fi
  if [ -z "$apt_updated" ]; then $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null && apt_updated=1; fi
  say "installing $* (apt-get)"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$@" >/dev/null
}

# PostgreSQL
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | head -n1)
    say "starting PostgreSQL $version"
    ${sudo/none/} pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

# OpenLDAP
if [ ! -x /usr/sbin/slapd ] || [ ! -x /usr/sbin/slapadd ] || ! command -v ldapsearch >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
  # Keep the package's postinst from starting a system slapd: a policy-rc.d that denies starts, only for this install.
  policy_added=""
  if can_install && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt_install slapd ldap-utils openssl
  if [ -n "$policy_added" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
fi

# Chromium
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

pg=$(pg_isready -h 127.0.0.1 -p 5432 2>&1 || true)
slapd=$(/usr/sbin/slapd -VV 2>&1 | sed -n 1p | sed 's/^.*\$OpenLDAP: //; s/ \$.*$//' || true)
chromium=$(/usr/bin/chromium --version 2>/dev/null | sed -n 1p || true)
say "PostgreSQL: ${pg:-not found}; slapd: ${slapd:-not found}; Chromium: ${chromium:-not found}"
exit 0
