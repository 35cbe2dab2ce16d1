#!/usr/bin/env bash
# `make restore BACKUP=backups/<time>`: checks the checksums, then replaces the database named by DATABASE_URL
# (dropping what is there) and MEDIA_ROOT with the backup's contents.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the database to restore into}"
MEDIA=${MEDIA_ROOT:-media}
(cd "$SRC" && sha256sum --check --quiet SHA256SUMS)
.venv/bin/python scripts/pgtool.py recreate
PG_RESTORE=$(.venv/bin/python scripts/pgtool.py pg_restore)
"$PG_RESTORE" --no-owner --no-privileges --exit-on-error --dbname="$(.venv/bin/python scripts/pgtool.py url)" "$SRC/database.dump"
mkdir -p "$MEDIA"
find "$MEDIA" -mindepth 1 -delete
tar -C "$MEDIA" -xzf "$SRC/media.tar.gz"
echo "restored $SRC into the database and $MEDIA"
