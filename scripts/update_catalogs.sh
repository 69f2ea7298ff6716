#!/usr/bin/env bash
# Extract every translatable text into locales/messages.pot and merge it into the da/en catalogs.
# Then translate the new (empty) msgstr entries in locales/da/LC_MESSAGES/messages.po.
# English needs no msgstr: the English msgid is the text. `fremad` compiles catalogs at start.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F locales/babel.cfg -k _ -k __ -k N_ -k lazy_gettext \
  --no-location --sort-output --omit-header -o locales/messages.pot .
"$PYBABEL" update -i locales/messages.pot -d locales -D messages \
  --omit-header --ignore-obsolete --no-fuzzy-matching
