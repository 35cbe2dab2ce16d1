#!/usr/bin/env bash
# `make backup`: the database (pg_dump custom format) and the generated files (MEDIA_ROOT) into backups/<time>/.
# Restore with `make restore BACKUP=backups/<time>`. Audit events are part of the dump: backups keep the log.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at the database to back up}"
DEST=${BACKUP_DIR:-backups/$(date -u +%Y%m%dT%H%M%SZ)}
MEDIA=${MEDIA_ROOT:-media}
mkdir -p "$DEST"
PG_DUMP=$(.venv/bin/python scripts/pgtool.py pg_dump)
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$DEST/database.dump" "$(.venv/bin/python scripts/pgtool.py url)"
if [ -d "$MEDIA" ]; then tar -C "$MEDIA" -czf "$DEST/media.tar.gz" .; else tar -czf "$DEST/media.tar.gz" -T /dev/null; fi
(cd "$DEST" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup written to $DEST"
