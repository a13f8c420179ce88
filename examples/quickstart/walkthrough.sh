#!/usr/bin/env bash
# The main job on the embedded default: initialise an SQLite directory, create groups and users as the product
# description does, and list them. Uses its own database file (./quickstart.db), made anew each run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DT_DATABASE_URL="sqlite:$PWD/quickstart.db"
rm -f quickstart.db quickstart.db-wal quickstart.db-shm
dt() { echo "\$ dt $*" >&2; node packages/cli/bin/dt.js "$@"; }

dt init --admin admin -f Ada -l Admin >/dev/null
export DT_USER=admin
dt group add developers >/dev/null
dt user add -f John -l Doe -g developers -e john@example.com john >/dev/null
dt user modify john -g developers,admins >/dev/null
dt user disable john >/dev/null
dt group add analysts >/dev/null
dt user add -f Alice -l Liddell -g developers alice >/dev/null
dt user add -f Bob -l Builder -g developers bob >/dev/null
dt group add-users analysts alice,bob >/dev/null
dt group rm-users analysts bob >/dev/null
dt user rm-from-group bob developers || true
dt user ls -p
dt group ls -p
